/**
 * Paging through `GET /runs` with the API's opaque cursors. The API pages forwards only, so going back means
 * remembering the cursor each earlier page was read with: `trail[i]` is the cursor of page i (undefined for
 * the first). Only one page is ever loaded, however many runs match.
 */
export interface PagerState {
  trail: (string | undefined)[];
  /** The cursor the API gave with the current page: there is a next page. */
  next?: string;
}

export const firstPage = (): PagerState => ({ trail: [undefined] });

/** The cursor to read the current page with. */
export const currentCursor = (state: PagerState): string | undefined => state.trail[state.trail.length - 1];

/** The 1-based number of the current page. */
export const pageNumber = (state: PagerState): number => state.trail.length;

export const hasNext = (state: PagerState): boolean => state.next !== undefined;
export const hasPrevious = (state: PagerState): boolean => state.trail.length > 1;

/** The current page arrived with `cursor` (absent on the last page). */
export const loaded = (state: PagerState, cursor: string | undefined): PagerState => ({
  trail: state.trail,
  ...(cursor ? { next: cursor } : {}),
});

/** Forwards one page (unchanged on the last page). */
export function next(state: PagerState): PagerState {
  return state.next === undefined ? state : { trail: [...state.trail, state.next] };
}

/** Back one page (unchanged on the first). */
export function previous(state: PagerState): PagerState {
  return state.trail.length > 1 ? { trail: state.trail.slice(0, -1) } : state;
}

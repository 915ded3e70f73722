/**
 * Paging through `GET /runs` with the API's opaque cursors. The page shown is in the URL (`page=<n>&cursor=<c>`,
 * nothing for the first), so a deep link or the back button shows the same page. The API pages forwards only:
 * going back a page means knowing the cursor it was read with, which the view remembers in a trail for each
 * listing it has paged through. A page opened from a link, before any paging, has no known page before it:
 * "newer" then goes to the newest page. Only one page is ever loaded, however many runs match.
 */

/** Where a listing is: the 1-based page and the cursor it is read with (none for the first page). */
export interface PagePosition {
  page: number;
  cursor?: string;
}

/** The cursors pages were read with, by page number, as far as they are known (page 1 reads with none). */
export type Trail = ReadonlyMap<number, string>;

export const FIRST_PAGE: PagePosition = { page: 1 };

/**
 * The position a Runs URL's query names. Without a cursor it is the first page whatever `page` says; with a
 * cursor but no usable page number (a hand-edited URL), the second.
 */
export function positionFromQuery(query: URLSearchParams): PagePosition {
  const cursor = query.get("cursor") || undefined;
  if (!cursor) return FIRST_PAGE;
  const page = Number(query.get("page"));
  return { page: Number.isSafeInteger(page) && page >= 2 ? page : 2, cursor };
}

/** The query that names `position` (empty for the first page), to append to the filters' query. */
export function positionToQuery(position: PagePosition): Record<string, string> {
  return position.cursor ? { page: String(position.page), cursor: position.cursor } : {};
}

/** The page after `position`, read with the cursor its answer gave. */
export const nextPosition = (position: PagePosition, cursor: string): PagePosition => ({
  page: position.page + 1,
  cursor,
});

/**
 * The page before `position`: the one the trail knows, else the newest page (undefined on the first page,
 * which has none before it).
 */
export function previousPosition(trail: Trail | undefined, position: PagePosition): PagePosition | undefined {
  if (position.page <= 1) return undefined;
  if (position.page === 2) return FIRST_PAGE;
  const known = trail?.get(position.page) === position.cursor ? trail?.get(position.page - 1) : undefined;
  return known ? { page: position.page - 1, cursor: known } : FIRST_PAGE;
}

/**
 * The trail once the reader goes from `from` to the page after it, read with `cursor`: the pages before `from`
 * are kept when the trail leads to it (a different cursor for it is another paging of the listing), and
 * pages after it are forgotten.
 */
export function advance(trail: Trail | undefined, from: PagePosition, cursor: string): Trail {
  const kept = new Map<number, string>();
  const leadsHere = !from.cursor || trail?.get(from.page) === from.cursor;
  if (leadsHere && trail) {
    for (const [page, known] of trail) if (page < from.page) kept.set(page, known);
  }
  if (from.cursor) kept.set(from.page, from.cursor);
  kept.set(from.page + 1, cursor);
  return kept;
}

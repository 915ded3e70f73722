import { useEffect, useState } from "preact/hooks";

/** A page of a listing route (`items` and, when more follow, the `cursor` that continues it). */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

export interface Pages<T> {
  /** The first page's items and every page loaded after it. */
  items: T[];
  /** Whether the API has more. */
  more: boolean;
  loading: boolean;
  error?: unknown;
  /** Loads the next page and appends it. */
  loadMore: () => void;
}

/**
 * The items of `first` and of the pages after it, loaded on demand with the API's cursor (lists are paged at 20 by
 * default). Starts over whenever `first` changes.
 */
export function usePages<T>(
  first: Page<T> | undefined,
  next: (cursor: string) => Promise<Page<T>>,
): Pages<T> {
  const [later, setLater] = useState<{ items: T[]; cursor?: string; loading: boolean; error?: unknown }>({
    items: [],
    loading: false,
  });
  useEffect(() => setLater({ items: [], loading: false }), [first]);
  const cursor = later.items.length > 0 || later.error ? later.cursor : first?.cursor;
  return {
    items: [...(first?.items ?? []), ...later.items],
    more: cursor !== undefined,
    loading: later.loading,
    error: later.error,
    loadMore: () => {
      if (!cursor || later.loading) return;
      setLater((state) => ({ ...state, loading: true, error: undefined }));
      next(cursor).then(
        (page) =>
          setLater((state) => ({
            items: [...state.items, ...page.items],
            cursor: page.cursor,
            loading: false,
          })),
        (error: unknown) => setLater((state) => ({ ...state, cursor, loading: false, error })),
      );
    },
  };
}

/** One page of a listing, the shape every store's paginated reads share. */
export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; absent on the last page. */
  cursor?: string;
}

/** Where a paginated read starts and how much it returns. */
export interface PageQuery {
  limit?: number;
  cursor?: string;
}

import type { Page } from "../ports/page";
import { ApiError, badRequest, type ErrorDetail } from "./errors";
import type { ApiRequest } from "./http";

/** `limit` and `cursor` of a list endpoint, bounded by the configured page sizes. */
export function pageQuery(
  request: ApiRequest,
  limits: { defaultPageSize: number; maxPageSize: number },
): { limit: number; cursor?: string } {
  const raw = request.query.limit;
  let limit = limits.defaultPageSize;
  if (raw !== undefined) {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < 1 || n > limits.maxPageSize) {
      throw badRequest(`limit must be an integer from 1 to ${limits.maxPageSize}`, [
        { field: "query.limit", message: `expected 1..${limits.maxPageSize}, got "${raw}"`, code: "range" },
      ]);
    }
    limit = n;
  }
  const cursor = request.query.cursor;
  if (cursor !== undefined && (cursor.length === 0 || cursor.length > 2048)) {
    throw badRequest("cursor is not valid", [
      { field: "query.cursor", message: "empty or too long", code: "cursor" },
    ]);
  }
  return cursor === undefined ? { limit } : { limit, cursor };
}

/** `pageQuery` for an endpoint that checks more of the query: its problems join `details`, so one 400 lists all. */
export function pageQueryInto(
  request: ApiRequest,
  limits: { defaultPageSize: number; maxPageSize: number },
  details: ErrorDetail[],
): { limit: number; cursor?: string } | undefined {
  try {
    return pageQuery(request, limits);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    details.push(...error.details);
    return undefined;
  }
}

/** A list endpoint's body: the page's items, each as `item` shows it, and the next page's cursor if there is one. */
export function pageBody<T, U>(page: Page<T>, item: (value: T) => U): { items: U[]; cursor?: string } {
  return { items: page.items.map(item), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

import { badRequest } from "./errors";
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

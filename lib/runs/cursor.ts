import { InvalidCursorError, InvalidRunInputError } from "./errors";

/** The resumption point of a paginated query: which sub-query (when a query spans several) and DynamoDB's key. */
export interface CursorState {
  /** Index of the sub-query to resume, for queries made of several (e.g. one per status). */
  part?: number;
  key: Record<string, unknown>;
}

/** Cursors are opaque to callers: base64url of a small JSON document. */
export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): CursorState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch (cause) {
    throw new InvalidCursorError("cursor: not a cursor issued by this API", { cause });
  }
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    typeof (parsed as CursorState).key !== "object" ||
    (parsed as CursorState).key === null ||
    Object.values((parsed as CursorState).key).some((v) => typeof v !== "string") ||
    ((parsed as CursorState).part !== undefined && !Number.isInteger((parsed as CursorState).part))
  ) {
    throw new InvalidCursorError("cursor: not a cursor issued by this API");
  }
  return parsed as CursorState;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export function pageSize(limit: number | undefined, field = "limit"): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new InvalidRunInputError(
      `${field}: must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${limit}`,
      field,
    );
  }
  return limit;
}

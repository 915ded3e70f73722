import { InvalidCursorError, InvalidRunInputError } from "../../runs/errors";
import { tableProperties } from "./table-definition";

/** The resumption point of a paginated query: which sub-query (when a query spans several) and DynamoDB's key. */
export interface CursorState {
  /** Index of the sub-query to resume, for queries made of several (e.g. one per status). */
  part?: number;
  key: Record<string, unknown>;
}

/**
 * Cursors are opaque to callers: base64url of a small JSON document. They are not signed, so everything in
 * one is checked: its shape here, and that it continues the very query it is given to (`assertCursorFits`),
 * before DynamoDB sees it. A forged cursor is then a 400 naming `cursor`, never a DynamoDB
 * ValidationException, and it can only move within the query's own partition: what the caller may list anyway.
 */
export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state), "utf8").toString("base64url");
}

/** The key attributes a cursor may hold: the table's and its indexes' (table.json). */
const KEY_ATTRIBUTES = new Set([
  ...tableProperties.KeySchema.map((k) => k.AttributeName),
  ...tableProperties.GlobalSecondaryIndexes.flatMap((g) => g.KeySchema.map((k) => k.AttributeName)),
]);
/** DynamoDB's limit on a key attribute (a partition key: 2048 bytes; a sort key: 1024). */
const MAX_KEY_BYTES = 2048;
const MAX_PART = 100;

const notOurs = (options?: ErrorOptions) =>
  new InvalidCursorError("cursor: not a cursor issued by this API", options);

export function decodeCursor(cursor: string): CursorState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch (cause) {
    throw notOurs({ cause });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw notOurs();
  const { part, key, ...rest } = parsed as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw notOurs();
  if (
    part !== undefined &&
    !(Number.isInteger(part) && (part as number) >= 0 && (part as number) <= MAX_PART)
  )
    throw notOurs();
  if (typeof key !== "object" || key === null || Array.isArray(key)) throw notOurs();
  for (const [name, value] of Object.entries(key)) {
    if (!KEY_ATTRIBUTES.has(name)) throw notOurs();
    if (typeof value !== "string" || value.length === 0 || Buffer.byteLength(value) > MAX_KEY_BYTES)
      throw notOurs();
  }
  const state = key as Record<string, string>;
  return part === undefined ? { key: state } : { part: part as number, key: state };
}

/** The parts of a DynamoDB Query a cursor must fit. */
export interface CursorQuery {
  IndexName?: string;
  KeyConditionExpression?: string;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/**
 * Checks that `key` (an `ExclusiveStartKey` from a decoded cursor) continues `query`: it holds exactly the
 * table's and the queried index's key attributes, and lies inside the key condition (same partition, sort key
 * prefix). Throws `InvalidCursorError` otherwise.
 */
export function assertCursorFits(key: Record<string, unknown>, query: CursorQuery): void {
  const index = query.IndexName
    ? tableProperties.GlobalSecondaryIndexes.find((g) => g.IndexName === query.IndexName)
    : undefined;
  const expected = new Set([
    ...tableProperties.KeySchema.map((k) => k.AttributeName),
    ...(index?.KeySchema.map((k) => k.AttributeName) ?? []),
  ]);
  const names = Object.keys(key);
  if (names.length !== expected.size || names.some((n) => !expected.has(n))) {
    throw new InvalidCursorError("cursor: not a cursor of this query");
  }
  const values = query.ExpressionAttributeValues ?? {};
  for (const clause of (query.KeyConditionExpression ?? "").split(/\s+AND\s+/i)) {
    const equal = /^(\w+)\s*=\s*(:\w+)$/.exec(clause.trim());
    const prefix = /^begins_with\(\s*(\w+)\s*,\s*(:\w+)\s*\)$/.exec(clause.trim());
    const fits = equal
      ? key[equal[1]] === values[equal[2]]
      : prefix
        ? String(key[prefix[1]]).startsWith(String(values[prefix[2]]))
        : true;
    if (!fits) throw new InvalidCursorError("cursor: not a cursor of this query");
  }
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

import { randomUUID } from "node:crypto";

/** An event as EventBridge delivers it to targets and subscribers. */
export interface EventEnvelope {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  /** RFC 3339 without fractional seconds, as EventBridge writes it. */
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** One PutEvents entry as it arrives on the wire (AWS JSON 1.1: `Time` is epoch seconds). */
export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  EventBusName?: string;
  Time?: number | string;
  TraceHeader?: string;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** The largest entry PutEvents accepts (256 KB, counted as EventBridge does: source, detail-type, detail, resources). */
export const MAX_ENTRY_BYTES = 256 * 1024;

export class EntryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "EntryError";
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** EventBridge's time format: second precision, `Z`. */
export const formatEventTime = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, "Z");

function entryTime(time: PutEventsEntry["Time"]): Date {
  if (time === undefined) return new Date();
  const date = typeof time === "number" ? new Date(time * 1000) : new Date(time);
  if (Number.isNaN(date.getTime())) throw new EntryError("InvalidArgument", "Parameter Time is not valid.");
  return date;
}

function required(value: unknown, name: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new EntryError(
      "InvalidArgument",
      `Parameter ${name} is not valid. Reason: ${name} is a required argument.`,
    );
  }
  return value;
}

/** Validates an entry the way PutEvents does and wraps it in the delivery envelope. */
export function toEnvelope(entry: PutEventsEntry, where: { account: string; region: string }): EventEnvelope {
  const source = required(entry.Source, "Source");
  const detailType = required(entry.DetailType, "DetailType");
  const detailText = required(entry.Detail, "Detail");
  let detail: unknown;
  try {
    detail = JSON.parse(detailText);
  } catch {
    throw new EntryError("MalformedDetail", "Detail is malformed.");
  }
  if (!isPlainObject(detail)) throw new EntryError("MalformedDetail", "Detail is malformed.");
  const resources = entry.Resources ?? [];
  if (!Array.isArray(resources) || resources.some((r) => typeof r !== "string")) {
    throw new EntryError("InvalidArgument", "Parameter Resources is not valid.");
  }
  const size = [source, detailType, detailText, ...resources].reduce((n, s) => n + Buffer.byteLength(s), 0);
  if (size > MAX_ENTRY_BYTES) {
    throw new EntryError(
      "InvalidArgument",
      `Entry size ${size} exceeds the limit of ${MAX_ENTRY_BYTES} bytes.`,
    );
  }
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": detailType,
    source,
    account: where.account,
    time: formatEventTime(entryTime(entry.Time)),
    region: where.region,
    resources,
    detail,
  };
}

/** `skiff-local` from either a bus name or a bus ARN; `default` when absent. */
export function busName(nameOrArn: string | undefined): string {
  if (!nameOrArn) return "default";
  const arn = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn);
  return arn ? arn[1] : nameOrArn;
}

import { setTimeout as delay } from "node:timers/promises";
/** One server-sent event: its `event:` type (`message` when absent), `id:` and joined `data:` lines. */
export interface ServerSentEvent {
  type: string;
  id?: string;
  data: string;
  /** The `retry:` delay the server asked for, in ms. */
  retry?: number;
}

/** Splits a text/event-stream body into events (the SSE format, as far as the bus speaks it). */
export async function* serverSentEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, "\n");
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = parseBlock(block);
      if (event) yield event;
      end = buffer.indexOf("\n\n");
    }
  }
}

function parseBlock(block: string): ServerSentEvent | undefined {
  const event: ServerSentEvent = { type: "message", data: "" };
  const data: string[] = [];
  let fields = 0;
  for (const line of block.split("\n")) {
    if (line === "" || line.startsWith(":")) continue; // a comment: the keep-alive
    const colon = line.indexOf(":");
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    fields++;
    if (name === "data") data.push(value);
    else if (name === "event") event.type = value;
    else if (name === "id") event.id = value;
    else if (name === "retry" && /^\d+$/.test(value)) event.retry = Number(value);
  }
  if (fields === 0) return undefined;
  event.data = data.join("\n");
  return event;
}

export interface FollowOptions {
  /** The bus's `/events` URL (with its filters), asked again before each connection: a restart may move it. */
  url: () => URL;
  /** Prints one event (its JSON text, as delivered). */
  show: (raw: string, id: string | undefined) => void;
  /** Says something about the connection on stderr. */
  note: (message: string) => void;
  /** Resume after this event id (the first connection's `Last-Event-ID`). */
  after?: string;
  /** Stops following (the stream ends, no reconnect). */
  signal?: AbortSignal;
  /** Longest wait between two connection attempts. Defaults to 5 s. */
  maxDelayMs?: number;
}

/** The bus refused the stream, or could not be reached at all; `retryable` when trying again may help. */
export class EventStreamError extends Error {
  constructor(
    message: string,
    readonly retryable = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "EventStreamError";
  }
}

/** How many recently printed ids are remembered, so that an overlapping replay prints nothing twice. */
const REMEMBERED_IDS = 10_000;

/**
 * Follows the bus's event stream until `signal` aborts: after a dropped connection (a restart of the bus or
 * of the stack) it reconnects with `Last-Event-ID` set to the last event it printed, and the bus replays what
 * came after it from its history, so every event is printed once, in the bus's order. The first connection
 * failing is an error (no stack to follow); later ones are retried, the delay growing to `maxDelayMs`.
 */
export async function followEvents(options: FollowOptions): Promise<void> {
  const { signal, maxDelayMs = 5000 } = options;
  const printed = new Set<string>();
  let lastId = options.after;
  let retryMs = 1000;
  let connectedOnce = false;
  let failures = 0;
  while (!signal?.aborted) {
    const url = options.url();
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (lastId !== undefined) headers["last-event-id"] = lastId;
    let failure: unknown;
    try {
      const response = await fetch(url, { headers, signal });
      if (!response.ok || !response.body) {
        const text = await response.text().catch(() => "");
        // A refusal of the request itself (a bad pattern) would be refused again; a server error may pass.
        throw new EventStreamError(
          `the bus answered HTTP ${response.status}: ${text}`.trim(),
          response.status >= 500,
        );
      }
      if (failures > 0) options.note(`reconnected to the bus at ${url.origin}`);
      connectedOnce = true;
      failures = 0;
      for await (const event of serverSentEvents(response.body as AsyncIterable<Uint8Array>)) {
        if (event.retry !== undefined) retryMs = event.retry;
        if (event.type === "skiff-gap") {
          options.note(
            `the bus's history no longer holds event ${lastId ?? "(none)"}: events published while this follower was away may be missing`,
          );
          continue;
        }
        if (event.type !== "message" || event.data === "") continue;
        const id = event.id;
        if (id !== undefined) {
          if (printed.has(id)) continue;
          remember(printed, id);
          lastId = id;
        }
        options.show(event.data, id);
      }
      failure = new Error("the stream ended");
    } catch (error) {
      if (signal?.aborted) return;
      if (error instanceof EventStreamError && !error.retryable) throw error;
      if (!connectedOnce) {
        throw new EventStreamError(`cannot follow the bus at ${url.origin} (is the stack running?)`, false, {
          cause: error,
        });
      }
      failure = error;
    }
    failures++;
    if (failures === 1) {
      const reason = failure instanceof Error ? (failure.cause as Error)?.message || failure.message : "";
      options.note(`lost the bus at ${url.origin} (${reason}); reconnecting from the last event printed`);
    }
    await sleep(Math.min(maxDelayMs, retryMs * Math.min(failures, 5)), signal);
  }
}

function remember(ids: Set<string>, id: string): void {
  ids.add(id);
  if (ids.size > REMEMBERED_IDS) {
    const oldest = ids.values().next().value;
    if (oldest !== undefined) ids.delete(oldest);
  }
}

/** Waits `ms`, or less when `signal` aborts (an abort ends the wait, it is not an error). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}

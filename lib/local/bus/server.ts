import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { LocalStackError } from "../errors";
import { refusal } from "../loopback-guard";
import type { EventEnvelope, PutEventsEntry } from "./envelope";
import { EventHistory } from "./history";
import { compilePattern, type EventMatcher, PatternError } from "./pattern";
import { EventRouter, type EventRouterOptions } from "./router";

export interface EventBusServerOptions extends EventRouterOptions {
  /** TCP port; a free port is picked when omitted. */
  port?: number;
  /** Interval of SSE keep-alive comments. Defaults to 15 s. */
  heartbeatMs?: number;
  /** Where the history (`GET /events`, a follower's resume) is kept across restarts; in memory when omitted. */
  historyFile?: string;
}

export interface EventBusServer {
  /** `http://127.0.0.1:<port>`: the EventBridge endpoint (`AWS_ENDPOINT_URL_EVENTBRIDGE`) and the event feed. */
  endpoint: string;
  port: number;
  router: EventRouter;
  /** The recent events `GET /events` serves (persisted when `historyFile` is given). */
  history: EventHistory;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const MAX_ENTRIES = 10;
const JSON_11 = "application/x-amz-json-1.1";

/**
 * The embedded EventBridge endpoint. `POST /` speaks PutEvents (AWS JSON 1.1, `X-Amz-Target:
 * AWSEvents.PutEvents`), so `@aws-sdk/client-eventbridge` works against it unchanged. `GET /events` returns
 * recent events (JSON array); with `?follow=true` or `Accept: text/event-stream` it streams them as
 * server-sent events, one envelope per `data:` line with the event's id as the SSE `id:`. Both accept
 * `bus=<name>` and `pattern=<json>` filters. A stream opened with `Last-Event-ID` (or `?after=<id>`) first
 * replays the history's events after that one, so a follower that reconnects misses nothing the history
 * still holds; when the id is no longer in it, a `skiff-gap` event says so before the whole history.
 */
export async function startEventBus(options: EventBusServerOptions = {}): Promise<EventBusServer> {
  const { port = 0, heartbeatMs = 15_000, historyFile, ...routerOptions } = options;
  const router = new EventRouter(routerOptions);
  const history = new EventHistory({
    file: historyFile,
    size: routerOptions.historySize,
    log: routerOptions.log,
  });
  // Subscribed first, so an event is in the history before any stream sees it (a replay never misses it).
  router.subscribe((event, bus) => history.record(event, bus));
  const streams = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, { __type: "InternalException", message: (error as Error).message });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    // Events decide what runs are recorded as: local tools only, never another site's page.
    const problem = refusal(req.headers, (server.address() as AddressInfo).port, true);
    if (problem) return sendJson(res, 403, { __type: "AccessDeniedException", message: problem });
    if (req.method === "POST" && url.pathname === "/") return putEvents(req, res);
    if (req.method === "GET" && url.pathname === "/events") return events(req, res, url);
    if (req.method === "GET" && url.pathname === "/health") return sendJson(res, 200, { ok: true });
    sendJson(res, 404, {
      error: "NotFound",
      message: `${req.method} ${url.pathname} is not served by the local bus`,
    });
  }

  async function putEvents(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.headers["x-amz-target"];
    if (target !== "AWSEvents.PutEvents") {
      return sendAws(res, 400, {
        __type: "UnknownOperationException",
        message: `the local bus only implements AWSEvents.PutEvents, not ${target ?? "(no X-Amz-Target)"}`,
      });
    }
    let body: { Entries?: unknown };
    try {
      body = JSON.parse(await readBody(req)) as { Entries?: unknown };
    } catch (error) {
      return sendAws(res, 400, { __type: "SerializationException", message: (error as Error).message });
    }
    const entries = body?.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
      return sendAws(res, 400, {
        __type: "ValidationException",
        message: `Entries must be a list of 1 to ${MAX_ENTRIES} entries`,
      });
    }
    sendAws(res, 200, router.putEvents(entries as PutEventsEntry[]));
  }

  function events(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const bus = url.searchParams.get("bus") ?? undefined;
    let filter: EventMatcher = () => true;
    const pattern = url.searchParams.get("pattern");
    if (pattern) {
      try {
        filter = compilePattern(pattern);
      } catch (error) {
        const message = error instanceof PatternError ? error.message : String(error);
        sendJson(res, 400, { error: "InvalidPattern", message });
        return;
      }
    }
    const follow =
      url.searchParams.get("follow") === "true" || (req.headers.accept ?? "").includes("text/event-stream");
    if (!follow) {
      const limit = Number(url.searchParams.get("limit") ?? "100");
      const recent = history.list(bus).filter(filter);
      sendJson(res, 200, recent.slice(-Math.max(1, Math.min(limit, 1000))));
      return;
    }
    const after = lastEventId(req, url);
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    res.write("retry: 1000\n\n");
    const send = (event: EventEnvelope, eventBus: string) => {
      if ((bus === undefined || eventBus === bus) && filter(event)) {
        res.write(`id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`);
      }
    };
    // Replay and subscribe in one turn of the loop: no event can be accepted in between, none is sent twice.
    if (after !== undefined) {
      const replay = history.after(after);
      if (!replay.found) {
        const gap = { lastEventId: after, kept: history.length };
        res.write(`event: skiff-gap\ndata: ${JSON.stringify(gap)}\n\n`);
      }
      for (const entry of replay.events) send(entry.event, entry.bus);
    }
    const unsubscribe = router.subscribe(send);
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), heartbeatMs);
    heartbeat.unref();
    streams.add(res);
    res.on("close", () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) =>
      reject(new LocalStackError(`the local event bus could not listen on port ${port}`, { cause: error })),
    );
    server.listen(port, "127.0.0.1", resolve);
  });
  const actualPort = (server.address() as AddressInfo).port;

  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    router,
    history,
    stop() {
      router.close();
      stopping ??= new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}

/** The stream's resume cursor: the `Last-Event-ID` header (set by an SSE client's reconnect) or `?after=`. */
function lastEventId(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers["last-event-id"];
  const id = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("after") ?? undefined;
  return id === undefined || id.trim() === "" ? undefined : id.trim();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendAws(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": JSON_11, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

/**
 * The request headers passed on to the API: only what the API reads. Everything else stays behind, above all the
 * browser's `Authorization` and cookies (the proxy's signature is the only credential sent) and hop-by-hop
 * headers. Fewer headers also means fewer signed ones for anything on the way to alter.
 */
const FORWARDED_REQUEST_HEADERS = [
  "accept",
  "content-type",
  "idempotency-key",
  "if-none-match",
  "last-event-id",
];

export function forwardedRequestHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = headers[name];
    if (typeof value === "string") kept[name] = value;
  }
  return kept;
}

/** RFC 9110 §7.6.1's hop-by-hop headers, and what must not reach the browser from the API's origin. */
const DROPPED_RESPONSE_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "set-cookie",
]);

/** The API's response headers as the browser gets them: hop-by-hop ones (and those `Connection` names) and cookies dropped. */
export function forwardedResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROPPED_RESPONSE_HEADERS.has(name) || named.has(name)) continue;
    if (name.startsWith("access-control-")) continue; // the page and the API share the proxy's origin
    kept[name] = value;
  }
  return kept;
}

import type { IncomingHttpHeaders } from "node:http";

/**
 * Who may use the proxy: only pages it served itself. The proxy signs with the user's AWS credentials, so a page
 * of another site must not be able to drive it:
 * - `Host` must name the proxy (127.0.0.1 or localhost at its port): a DNS-rebinding page sends its own name;
 * - for forwarded requests, `Origin` (when sent) must be the proxy's own, and `Sec-Fetch-Site` (when sent) must
 *   say same-origin or none (typed by the user): a foreign page's fetch, form or image is refused.
 * The page and its assets skip the second rule so that a link to the dashboard opens it.
 */
export function proxyOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

/** Why a request must be refused, or undefined when it comes from the dashboard (or a local tool such as curl). */
export function refusal(headers: IncomingHttpHeaders, port: number, forwarded: boolean): string | undefined {
  const origins = proxyOrigins(port);
  const host = headers.host?.toLowerCase();
  if (!host || !origins.includes(`http://${host}`)) {
    return `Host "${(host ?? "").slice(0, 100)}" is not this proxy's (expected ${origins.map((o) => o.slice(7)).join(" or ")})`;
  }
  if (!forwarded) return undefined;
  const origin = headers.origin;
  if (origin !== undefined && !origins.includes(origin.toLowerCase())) {
    return `Origin "${origin.slice(0, 100)}" is not this proxy's page: only the dashboard it serves may call the API`;
  }
  const site = headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    return `a ${site} request: only the dashboard this proxy serves may call the API`;
  }
  return undefined;
}

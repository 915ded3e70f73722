import type { IncomingHttpHeaders } from "node:http";

/**
 * Who may use an API served on the loopback address (the embedded stack's, which starts runs whose steps are
 * this machine's processes, and `skiff dashboard`'s, which signs with the user's AWS credentials): local tools
 * and pages the server served itself, never a page of another site:
 * - `Host` must name the server (127.0.0.1 or localhost at its port): a DNS-rebinding page sends its own name;
 * - for API requests, `Origin` (when sent) must be the server's own, and `Sec-Fetch-Site` (when sent) must say
 *   same-origin or none (typed by the user): a foreign page's fetch, form or image is refused.
 * The dashboard's page and assets skip the second rule so that a link to the dashboard opens it.
 */
export function loopbackOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

/** Why a request must be refused, or undefined when it comes from the dashboard or a local tool such as curl. */
export function refusal(headers: IncomingHttpHeaders, port: number, api: boolean): string | undefined {
  const origins = loopbackOrigins(port);
  const host = headers.host?.toLowerCase();
  if (!host || !origins.includes(`http://${host}`)) {
    return `Host "${(host ?? "").slice(0, 100)}" is not this server's (expected ${origins.map((o) => o.slice(7)).join(" or ")})`;
  }
  if (!api) return undefined;
  const origin = headers.origin;
  if (origin !== undefined && !origins.includes(origin.toLowerCase())) {
    return `Origin "${origin.slice(0, 100)}" is not this server's page: only the dashboard it serves may call the API`;
  }
  const site = headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    return `a ${site} request: only the dashboard this server serves may call the API`;
  }
  return undefined;
}

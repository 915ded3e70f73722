// `skiff dashboard`'s server: the dashboard's page on 127.0.0.1, and every other request forwarded to the
// context's HTTP API, SigV4-signed as the CLI signs (lib/client/sigv4.ts) unless the context is the embedded stack.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import type { Endpoints } from "../../client/endpoints";
import { SkiffClientError } from "../../client/errors";
import { type Signer, sigV4Signer } from "../../client/sigv4";
import type { AssetHandler } from "../../dashboard/assets";
import { refusal } from "../../local/loopback-guard";
import { readBody } from "../../local/read-body";
import { forwardedRequestHeaders, forwardedResponseHeaders } from "./headers";

export interface DashboardServerOptions {
  /** The API to forward to, and whether to sign (`local` is the embedded stack: forwarded as is). */
  endpoints: Endpoints;
  /** Serves the page and its assets (lib/dashboard/assets.ts). */
  assets: AssetHandler;
  /** Port on 127.0.0.1. Default: 0, any free port. */
  port?: number;
  /** Largest request body forwarded; bodies are read whole, since the signature covers their hash. Default: 10 MB, API Gateway's limit. */
  maxBodyBytes?: number;
  /** How long the API may stay silent on one request before it is given up with a 504. Default: 120 s. */
  upstreamTimeoutMs?: number;
}

export interface DashboardServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  close(): Promise<void>;
}

const defaults = { port: 0, maxBodyBytes: 10 * 1024 * 1024, upstreamTimeoutMs: 120_000 };

/** Starts the server; resolves once it listens (a port in use rejects, naming it). */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const opts = { ...defaults, ...options };
  const { endpoints } = opts;
  let signer: Promise<Signer> | undefined;
  const sign = (request: Parameters<Signer>[0]) => {
    signer ??= sigV4Signer(endpoints.region, endpoints.awsProfile);
    return signer.then((s) => s(request));
  };
  let port = opts.port;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        fail(res, 500, "proxy-error", error instanceof Error ? error.message : String(error));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? "";
    if (!raw.startsWith("/")) return fail(res, 400, "invalid-request", "expected a path such as /runs");
    const hostProblem = refusal(req.headers, port, false);
    if (hostProblem) return fail(res, 403, "forbidden", hostProblem);
    if (opts.assets(req, res)) return;
    const problem = refusal(req.headers, port, true);
    if (problem) return fail(res, 403, "forbidden", problem);

    const method = (req.method ?? "GET").toUpperCase();
    const hasBody = method !== "GET" && method !== "HEAD";
    const body = hasBody ? await readBody(req, opts.maxBodyBytes) : undefined;
    if (hasBody && body === undefined) {
      return fail(res, 413, "payload-too-large", `the request body is over ${opts.maxBodyBytes} bytes`);
    }
    const target = new URL(endpoints.apiUrl + raw);
    let headers: Record<string, string> = forwardedRequestHeaders(req.headers);
    if (!endpoints.local) {
      try {
        headers = await sign({ method, url: target, headers, body });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return fail(res, 401, error instanceof SkiffClientError ? error.error : "no-credentials", message);
      }
    }
    if (body?.length) headers["content-length"] = String(body.length);
    forward(req, res, method, target, headers, body);
  }

  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    target: URL,
    headers: Record<string, string>,
    body: Buffer | undefined,
  ): void {
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const upstream = send(target, { method, headers, timeout: opts.upstreamTimeoutMs }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, forwardedResponseHeaders(answer.headers));
      // Streamed as it arrives (an artifact's bytes, a long log): nothing is held in memory.
      answer.pipe(res);
      answer.on("error", () => res.destroy());
    });
    upstream.on("timeout", () =>
      upstream.destroy(new Error(`no answer within ${opts.upstreamTimeoutMs} ms`)),
    );
    upstream.on("error", (error) => {
      if (res.headersSent) return void res.destroy();
      const timedOut = /no answer within/.test(error.message);
      fail(
        res,
        timedOut ? 504 : 502,
        timedOut ? "gateway-timeout" : "bad-gateway",
        `the Skiff API at ${endpoints.apiUrl} ${timedOut ? "did not answer" : "cannot be reached"}: ${error.message}`,
      );
    });
    // The browser went away (a page change, a cancelled download): so does the API request.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.on("aborted", () => upstream.destroy());
    upstream.end(body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(
              `port ${opts.port} on 127.0.0.1 is in use; pick another with --port (0: any free port)`,
              {
                cause: error,
              },
            )
          : error,
      );
    });
    server.listen(opts.port, "127.0.0.1", () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** An error in the API's own shape (`{error, message, details}`), so that the page shows it like any other. */
function fail(res: ServerResponse, status: number, error: string, message: string): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify({ error, message, details: [] }));
}

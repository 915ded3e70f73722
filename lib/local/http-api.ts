import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from "aws-lambda";
import { LOCAL_ACCOUNT_ID } from "./credentials";
import { LocalStackError } from "./errors";
import { refusal } from "./loopback-guard";
import { withDefaults } from "./options";
import { readBody } from "./read-body";

/** One HTTP API route: `httpApi: { method, path }` of serverless.yml, bound to a function. */
export interface HttpRoute {
  /** Upper-case method or `*`. */
  method: string;
  /** `/runs/{runId}`, `/files/{path+}` or `*`. */
  path: string;
  /** Called with the API Gateway v2 event; resolves to what the handler returned. */
  invoke: (event: APIGatewayProxyEventV2) => Promise<unknown>;
}

export interface HttpApiOptions {
  routes: HttpRoute[];
  /** TCP port; a free one when omitted. */
  port?: number;
  /** Largest request body accepted (API Gateway's limit is 10 MB). */
  maxBodyBytes?: number;
  /**
   * Answers a request no route matches, when it returns true (the dashboard's page and assets). Default: every
   * such request is a 404.
   */
  fallback?: (req: IncomingMessage, res: ServerResponse) => boolean;
  log?: (message: string) => void;
}

export interface HttpApiServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

interface CompiledRoute extends HttpRoute {
  routeKey: string;
  regex: RegExp;
  names: string[];
  /** Routes with more literal characters win, like API Gateway's most-specific match. */
  specificity: number;
}

const defaults = {
  port: 0,
  maxBodyBytes: 10 * 1024 * 1024,
  log: (m: string) => process.stderr.write(`${m}\n`),
};

function compileRoute(route: HttpRoute): CompiledRoute {
  const routeKey =
    route.path === "*" ? "$default" : `${route.method === "*" ? "ANY" : route.method} ${route.path}`;
  if (route.path === "*") return { ...route, routeKey, regex: /^.*$/, names: [], specificity: -1 };
  const names: string[] = [];
  const source = route.path
    .split("/")
    .map((segment) => {
      const greedy = /^\{(\w+)\+\}$/.exec(segment);
      if (greedy) {
        names.push(greedy[1]);
        return "(.+)";
      }
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param) {
        names.push(param[1]);
        return "([^/]+)";
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  const specificity = route.path.replace(/\{[^}]+\}/g, "").length;
  return { ...route, routeKey, regex: new RegExp(`^${source}/?$`), names, specificity };
}

/** Turns the Node request into API Gateway's payload format 2.0. */
function toEvent(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  route: CompiledRoute,
  params: Record<string, string>,
) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === "cookie") continue;
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const textual = /^(application\/(json|.*\+json|x-www-form-urlencoded|xml|yaml|x-yaml)|text\/)/.test(
    headers["content-type"] ?? "application/json",
  );
  const now = new Date();
  const event: APIGatewayProxyEventV2 = {
    version: "2.0",
    routeKey: route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: req.headers.cookie?.split(/;\s*/).filter(Boolean),
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    pathParameters: route.names.length > 0 ? params : undefined,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: (headers.host ?? "localhost").split(".")[0],
      http: {
        method: req.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, ""),
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length > 0 ? (textual ? body.toString("utf8") : body.toString("base64")) : undefined,
    isBase64Encoded: body.length > 0 && !textual,
  };
  return event;
}

/** Writes a handler result back the way API Gateway interprets payload format 2.0 responses. */
function writeResult(res: ServerResponse, result: unknown): void {
  const structured =
    typeof result === "object" && result !== null && "statusCode" in result
      ? (result as Exclude<APIGatewayProxyResultV2, string>)
      : undefined;
  if (!structured) {
    // Anything without a statusCode is a 200 JSON body (strings are sent as they are).
    const body = typeof result === "string" ? result : JSON.stringify(result ?? null);
    res.writeHead(200, { "content-type": "application/json" }).end(body);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  if (structured.cookies?.length) headers["set-cookie"] = structured.cookies;
  const body =
    structured.body === undefined
      ? undefined
      : structured.isBase64Encoded
        ? Buffer.from(structured.body, "base64")
        : structured.body;
  res.writeHead(structured.statusCode ?? 200, headers).end(body);
}

function sendMessage(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ message }));
}

/** How long, and how much more, a refused body is read and dropped after the 413 (see refuseTooLarge). */
const LINGER_MS = 10_000;
const LINGER_FACTOR = 4;

/**
 * Answers 413 at once and closes the connection, like API Gateway. A client still sending its body would get
 * a reset, often before it reads the answer, if the socket closed now; so what it still sends is read and
 * dropped (nginx's "lingering close"), bounded in bytes and time, and then the socket is closed.
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse, maxBytes: number): void {
  res.shouldKeepAlive = false;
  sendMessage(res, 413, "Request Entity Too Large");
  if (req.complete) return;
  let dropped = 0;
  const close = () => req.socket.destroy();
  const timer = setTimeout(close, LINGER_MS);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_FACTOR * maxBytes) close();
  });
  req.once("close", () => clearTimeout(timer));
  req.resume();
}

/** A local HTTP API (API Gateway v2) in front of the functions' `httpApi` routes. */
export async function startHttpApi(options: HttpApiOptions): Promise<HttpApiServer> {
  const opts = withDefaults(defaults, options);
  const routes = opts.routes.map(compileRoute).sort((a, b) => b.specificity - a.specificity);

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = (req.method ?? "GET").toUpperCase();
    // Nothing signs requests here, and a run's steps are this machine's processes: only local tools and the
    // page served here may call the API, never another site's page (lib/local/loopback-guard.ts).
    const { port } = server.address() as AddressInfo;
    const hostProblem = refusal(req.headers, port, false);
    if (hostProblem) return sendMessage(res, 403, hostProblem);
    let params: Record<string, string> = {};
    const route = routes.find((candidate) => {
      if (candidate.method !== "*" && candidate.method !== method) return false;
      const match = candidate.regex.exec(url.pathname);
      if (!match) return false;
      params = Object.fromEntries(candidate.names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
      return true;
    });
    if (!route) {
      if (opts.fallback?.(req, res)) return;
      return sendMessage(res, 404, "Not Found");
    }
    const problem = refusal(req.headers, port, true);
    if (problem) return sendMessage(res, 403, problem);
    const declared = Number(req.headers["content-length"] ?? 0);
    const body = declared > opts.maxBodyBytes ? undefined : await readBody(req, opts.maxBodyBytes);
    if (body === undefined) return refuseTooLarge(req, res, opts.maxBodyBytes);
    try {
      writeResult(res, await route.invoke(toEvent(req, url, body, route, params)));
    } catch (error) {
      opts.log(`http: ${method} ${url.pathname}: ${(error as Error).message}`);
      if (!res.headersSent) sendMessage(res, 500, "Internal Server Error");
      else res.end();
    }
  });

  // `Expect: 100-continue`: a declared body over the limit is refused before the client sends it.
  server.on("checkContinue", (req, res) => {
    if (Number(req.headers["content-length"] ?? 0) > opts.maxBodyBytes) {
      res.shouldKeepAlive = false;
      return sendMessage(res, 413, "Request Entity Too Large");
    }
    res.writeContinue();
    server.emit("request", req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) =>
      reject(
        new LocalStackError(`the local HTTP API could not listen on port ${opts.port}`, { cause: error }),
      ),
    );
    server.listen(opts.port, "127.0.0.1", resolve);
  });
  const port = (server.address() as AddressInfo).port;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}

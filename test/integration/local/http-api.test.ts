import { request as httpRequest } from "node:http";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpApiServer, startHttpApi } from "../../../lib/local/http-api";
import { InvocationError, invoke, invokeAsync } from "../../../lib/local/lambda";
import type { FunctionDefinition } from "../../../lib/local/serverless/functions";
import { rawRequest } from "../../support/raw-http";

const fn = (overrides: Partial<FunctionDefinition> = {}): FunctionDefinition => ({
  name: "fn",
  handler: "functions/fn.handler",
  timeoutSeconds: 5,
  memorySize: 512,
  maximumRetryAttempts: 2,
  environment: {},
  triggers: [],
  ...overrides,
});

describe("the local HTTP API", () => {
  let api: HttpApiServer;
  const seen: APIGatewayProxyEventV2[] = [];
  beforeAll(async () => {
    api = await startHttpApi({
      log: () => {},
      routes: [
        {
          method: "POST",
          path: "/pipelines/{name}/runs",
          invoke: async (event) => {
            seen.push(event);
            return {
              statusCode: 201,
              headers: { "Content-Type": "application/json", "X-Run": "r1" },
              cookies: ["a=1"],
              body: JSON.stringify({ got: JSON.parse(event.body ?? "null") }),
            };
          },
        },
        {
          method: "GET",
          path: "/runs/{runId}",
          invoke: async (event) => ({ id: event.pathParameters?.runId }),
        },
        { method: "GET", path: "/runs/latest", invoke: async () => "literal wins" },
        {
          method: "GET",
          path: "/files/{path+}",
          invoke: async (event) => ({ path: event.pathParameters?.path }),
        },
        {
          method: "GET",
          path: "/boom",
          invoke: async () => {
            throw new Error("handler exploded");
          },
        },
      ],
    });
  });
  afterAll(() => api?.stop());

  it("turns a request into an API Gateway v2 event and writes back a structured result", async () => {
    const response = await fetch(`${api.url}/pipelines/my%20etl/runs?x=1&x=2&y=3`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": "k1", cookie: "c=1; d=2" },
      body: JSON.stringify({ parameters: { a: "b" } }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-run")).toBe("r1");
    expect(response.headers.get("set-cookie")).toBe("a=1");
    expect(await response.json()).toEqual({ got: { parameters: { a: "b" } } });
    const event = seen[0];
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "POST /pipelines/{name}/runs",
      rawPath: "/pipelines/my%20etl/runs",
      rawQueryString: "x=1&x=2&y=3",
      pathParameters: { name: "my etl" },
      queryStringParameters: { x: "1,2", y: "3" },
      cookies: ["c=1", "d=2"],
      isBase64Encoded: false,
      requestContext: { http: { method: "POST", path: "/pipelines/my%20etl/runs" }, stage: "$default" },
    });
    expect(event.headers["idempotency-key"]).toBe("k1");
  });

  it("returns plain results as 200 JSON, preferring literal routes and supporting greedy ones", async () => {
    expect(await (await fetch(`${api.url}/runs/abc`)).json()).toEqual({ id: "abc" });
    expect(await (await fetch(`${api.url}/runs/latest`)).text()).toBe("literal wins");
    expect(await (await fetch(`${api.url}/files/a/b/c.txt`)).json()).toEqual({ path: "a/b/c.txt" });
  });

  it("serves only local tools and its own pages: another Host (DNS rebinding) or another site's page gets 403", async () => {
    const { port } = api;
    const ask = async (path: string, headers: Record<string, string>, method = "GET") => {
      const before = seen.length;
      const answer = await rawRequest(port, path, {
        method,
        headers,
        body: method === "POST" ? "{}" : undefined,
      });
      return { ...answer, invoked: seen.length - before };
    };
    const post = (headers: Record<string, string>) =>
      ask("/pipelines/p/runs", { "content-type": "application/json", ...headers }, "POST");

    expect(await post({ host: `127.0.0.1:${port}` })).toMatchObject({ status: 201, invoked: 1 });
    expect(await post({ host: `localhost:${port}`, origin: `http://localhost:${port}` })).toMatchObject({
      status: 201,
    });
    const rebound = await post({ host: `attacker.example:${port}` });
    expect(rebound).toMatchObject({ status: 403, invoked: 0 });
    expect(JSON.parse(rebound.body).message).toMatch(/Host "attacker.example:\d+" is not this server's/);
    const foreign = await post({ host: `127.0.0.1:${port}`, origin: "https://attacker.example" });
    expect(foreign).toMatchObject({ status: 403, invoked: 0 });
    expect(JSON.parse(foreign.body).message).toMatch(/Origin "https:\/\/attacker.example"/);
    const form = await post({ host: `127.0.0.1:${port}`, "sec-fetch-site": "cross-site" });
    expect(form).toMatchObject({ status: 403, invoked: 0 });
    expect((await ask("/runs/r9", { host: `127.0.0.1:${port}`, "sec-fetch-site": "same-site" })).status).toBe(
      403,
    );
    expect(
      (await ask("/runs/r9", { host: `127.0.0.1:${port}`, "sec-fetch-site": "same-origin" })).status,
    ).toBe(200);
  });

  it("answers like API Gateway when no route matches or the handler fails", async () => {
    const missing = await fetch(`${api.url}/runs`, { method: "DELETE" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: "Not Found" });
    const failed = await fetch(`${api.url}/boom`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ message: "Internal Server Error" });
  });
});

/**
 * Sends `total` bytes in `chunk`-sized pieces with chunked transfer encoding (or a Content-Length, optionally
 * with `Expect: 100-continue`), stopping as soon as an answer arrives. Resolves with the answer and how many
 * bytes had been handed to the socket by then; rejects on a connection error before any answer.
 */
function upload(
  url: string,
  total: number,
  options: { chunk?: number; contentLength?: boolean; expectContinue?: boolean } = {},
): Promise<{ status: number; body: string; connection?: string; sent: number }> {
  const chunk = Buffer.alloc(options.chunk ?? 64 * 1024, 0x61);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest(`${url}/pipelines/big/runs`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.contentLength ? { "content-length": String(total) } : {}),
        ...(options.expectContinue ? { expect: "100-continue" } : {}),
      },
    });
    req.on("response", (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => {
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(parts).toString(),
          connection: res.headers.connection,
          sent,
        });
        req.destroy();
      });
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const write = () => {
      while (!answered && sent < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", write);
      }
      if (!answered) req.end();
    };
    if (options.expectContinue) req.on("continue", write);
    else write();
  });
}

describe("request bodies over the limit", () => {
  let api: HttpApiServer;
  let invoked = 0;
  const limit = 1024 * 1024;
  beforeAll(async () => {
    api = await startHttpApi({
      log: () => {},
      maxBodyBytes: limit,
      routes: [
        {
          method: "POST",
          path: "/pipelines/{name}/runs",
          invoke: async (event) => {
            invoked++;
            return { size: event.body?.length ?? 0 };
          },
        },
      ],
    });
  });
  afterAll(() => api?.stop());

  it("answers a 20 MB chunked body with 413 once the limit is passed, not a reset, without invoking the function", async () => {
    const total = 20 * 1024 * 1024;
    const res = await upload(api.url, total);
    expect(res).toMatchObject({ status: 413, connection: "close" });
    expect(JSON.parse(res.body)).toEqual({ message: "Request Entity Too Large" });
    // Answered while the client was still sending: the server did not wait for (or read) the whole body.
    expect(res.sent).toBeLessThan(total);
    expect(invoked).toBe(0);
  });

  it("answers a declared Content-Length over the limit with 413 before reading the body", async () => {
    const res = await upload(api.url, 20 * 1024 * 1024, { contentLength: true });
    expect(res.status).toBe(413);
    expect(res.sent).toBeLessThan(20 * 1024 * 1024);
    expect(invoked).toBe(0);
  });

  it("refuses an over-limit Expect: 100-continue request before the client sends anything", async () => {
    const res = await upload(api.url, 20 * 1024 * 1024, { contentLength: true, expectContinue: true });
    expect(res).toMatchObject({ status: 413, sent: 0 });
    expect(invoked).toBe(0);
  });

  it("still serves bodies up to the limit, chunked or not, with or without 100-continue", async () => {
    for (const options of [{}, { contentLength: true }, { contentLength: true, expectContinue: true }]) {
      const res = await upload(api.url, limit, { ...options, chunk: 100_000 });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ size: limit });
    }
    expect(invoked).toBe(3);
    // The server is still up and serving after the refusals.
    const again = await upload(api.url, 10);
    expect(again.status).toBe(200);
  });
});

describe("invoking handlers", () => {
  it("passes a Lambda context and returns the result", async () => {
    const result = await invoke(
      fn({ name: "pipeline" }),
      (async (_event: unknown, context: { functionName: string }) => ({
        name: context.functionName,
      })) as never,
      {},
    );
    expect(result).toEqual({ name: "pipeline" });
  });

  it("supports callback-style handlers", async () => {
    const handler = ((_e: unknown, _c: unknown, callback: (error: unknown, result: unknown) => void) => {
      setImmediate(() => callback(null, "called back"));
    }) as never;
    expect(await invoke(fn(), handler, {})).toBe("called back");
  });

  it("fails an invocation that exceeds the function's timeout", async () => {
    const never = (() => new Promise(() => {})) as never;
    await expect(invoke(fn({ timeoutSeconds: 0.05 }), never, {})).rejects.toThrow(InvocationError);
    await expect(invoke(fn({ timeoutSeconds: 0.05 }), never, {})).rejects.toThrow(/timed out/);
  });

  it("retries asynchronous invocations maximumRetryAttempts times", async () => {
    let attempts = 0;
    const lines: string[] = [];
    const failing = (async () => {
      attempts++;
      throw new Error("nope");
    }) as never;
    await invokeAsync(
      fn({ maximumRetryAttempts: 2 }),
      failing,
      {},
      { retryDelayMs: 1, log: (l) => lines.push(l) },
    );
    expect(attempts).toBe(3);
    expect(lines.at(-1)).toMatch(/fn failed: nope .*giving up/);
  });
});

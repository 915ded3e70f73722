import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpApiServer, startHttpApi } from "../../../lib/local/http-api";
import { InvocationError, invoke, invokeAsync } from "../../../lib/local/lambda";
import type { FunctionDefinition } from "../../../lib/local/serverless/functions";

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

  it("answers like API Gateway when no route matches or the handler fails", async () => {
    const missing = await fetch(`${api.url}/runs`, { method: "DELETE" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: "Not Found" });
    const failed = await fetch(`${api.url}/boom`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ message: "Internal Server Error" });
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

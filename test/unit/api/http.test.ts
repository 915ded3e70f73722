import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../lib/api/errors";
import { type ApiRequest, fromApiGatewayEvent, jsonBody } from "../../../lib/api/http";
import { pageQuery } from "../../../lib/api/query";

const request = (body: string | undefined, headers: Record<string, string> = {}): ApiRequest => ({
  method: "POST",
  path: "/x",
  pathParameters: {},
  query: {},
  headers,
  body,
});

const thrown = (f: () => unknown): ApiError => {
  try {
    f();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("did not throw");
};

const lim = (maxBodyBytes: number, maxBodyDepth = 32) => ({ maxBodyBytes, maxBodyDepth });

describe("jsonBody", () => {
  it("parses JSON, and treats an absent or blank body as {}", () => {
    expect(
      jsonBody(request('{"a":1}', { "content-type": "application/json; charset=utf-8" }), lim(100)),
    ).toEqual({
      a: 1,
    });
    expect(jsonBody(request(undefined), lim(100))).toEqual({});
    expect(jsonBody(request("  "), lim(100))).toEqual({});
  });

  it("answers 413 over the byte limit (counted in UTF-8)", () => {
    const error = thrown(() => jsonBody(request(JSON.stringify({ v: "é".repeat(30) })), lim(60)));
    expect(error.status).toBe(413);
    expect(error.message).toMatch(/the request body is 68 bytes; the limit is 60/);
  });

  it("answers 400 for a body nested deeper than the limit, before parsing it, whatever the brackets sit in", () => {
    const deep = `${"[".repeat(40_000)}${"]".repeat(40_000)}`;
    const error = thrown(() => jsonBody(request(deep), lim(100_000)));
    expect(error.status).toBe(400);
    expect(error.details[0]).toMatchObject({ field: "body", code: "too-deep" });
    const nested = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;
    expect(jsonBody(request(nested(4)), lim(1000, 4))).toEqual({ a: { a: { a: { a: 1 } } } });
    expect(thrown(() => jsonBody(request(nested(5)), lim(1000, 4))).details[0].code).toBe("too-deep");
    // Brackets in strings, and escaped quotes before them, do not nest anything.
    const text = JSON.stringify({ s: `\\"[[[[[[${"{".repeat(50)}`, t: ['"]'] });
    expect(jsonBody(request(text), lim(1000, 2))).toEqual(JSON.parse(text));
  });

  it("answers 400 naming the body for bad JSON and the header for a wrong content type", () => {
    expect(thrown(() => jsonBody(request("{oops"), lim(100))).details[0]).toMatchObject({
      field: "body",
      code: "json",
    });
    expect(
      thrown(() =>
        jsonBody(request("a=1", { "content-type": "application/x-www-form-urlencoded" }), lim(100)),
      ).details[0],
    ).toMatchObject({
      field: "header.content-type",
    });
  });
});

describe("pageQuery", () => {
  const limits = { defaultPageSize: 20, maxPageSize: 100 };
  const q = (query: Record<string, string>) => pageQuery({ ...request(undefined), query }, limits);
  it("defaults and bounds the page size", () => {
    expect(q({})).toEqual({ limit: 20 });
    expect(q({ limit: "100", cursor: "abc" })).toEqual({ limit: 100, cursor: "abc" });
    for (const limit of ["0", "101", "1.5", "ten", "-1"]) {
      expect(thrown(() => q({ limit })).details[0].field).toBe("query.limit");
    }
  });
});

describe("fromApiGatewayEvent", () => {
  it("lower-cases headers, decodes path parameters and base64 bodies", () => {
    const event = {
      version: "2.0",
      routeKey: "POST /pipelines/{name}/runs",
      rawPath: "/pipelines/etl/runs",
      rawQueryString: "a=1",
      headers: { "Idempotency-Key": "k1", "Content-Type": "application/json" },
      queryStringParameters: { a: "1" },
      pathParameters: { name: "my%20etl" },
      requestContext: { http: { method: "post", path: "/pipelines/etl/runs" } },
      body: Buffer.from('{"parameters":{}}').toString("base64"),
      isBase64Encoded: true,
    } as unknown as APIGatewayProxyEventV2;
    expect(fromApiGatewayEvent(event)).toEqual({
      method: "POST",
      path: "/pipelines/etl/runs",
      pathParameters: { name: "my etl" },
      query: { a: "1" },
      headers: { "idempotency-key": "k1", "content-type": "application/json" },
      body: '{"parameters":{}}',
    });
  });
});

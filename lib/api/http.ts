import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { badRequest, payloadTooLarge } from "./errors";
import { jsonDeeperThan } from "./json-depth";

/** A request as route logic sees it, independent of API Gateway's event shape. */
export interface ApiRequest {
  method: string;
  path: string;
  pathParameters: Record<string, string>;
  /** Query string parameters (the last value wins for repeated names). */
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body?: string;
  /**
   * Who is calling: the IAM principal API Gateway authenticated (`requestContext.authorizer.iam.userArn`), or
   * `local` on the embedded stack. Undefined when the event carries none.
   */
  caller?: string;
}

export interface ApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  /** The body is base64 of binary bytes (API Gateway decodes it for the caller). */
  isBase64Encoded?: boolean;
}

export function fromApiGatewayEvent(event: APIGatewayProxyEventV2): ApiRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    // API Gateway joins repeated names with commas; a filter value is one value.
    if (value !== undefined) query[name] = value;
  }
  const pathParameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.pathParameters ?? {})) {
    if (value !== undefined) pathParameters[name] = safeDecode(value);
  }
  const body =
    event.body === undefined || event.body === null
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, "base64").toString("utf8")
        : event.body;
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.requestContext.http.path,
    pathParameters,
    query,
    headers,
    body,
    caller: callerOf(event),
  };
}

/** The IAM principal of an HTTP API event authorized with AWS_IAM (API Gateway's payload 2.0). */
function callerOf(event: APIGatewayProxyEventV2): string | undefined {
  const { authorizer } = event.requestContext as { authorizer?: { iam?: { userArn?: unknown } } };
  const arn = authorizer?.iam?.userArn;
  return typeof arn === "string" && arn.length > 0 ? arn : undefined;
}

export function toApiGatewayResult(response: ApiResponse): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.statusCode,
    headers: response.headers,
    body: response.body,
    ...(response.isBase64Encoded ? { isBase64Encoded: true } : {}),
  };
}

// The router matches raw paths; API Gateway decodes path parameters, so both decoded and raw input work.
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return {
    statusCode,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

export function text(statusCode: number, body: string, contentType: string): ApiResponse {
  return { statusCode, headers: { "content-type": contentType }, body };
}

/** Parses a JSON object body within a size and a nesting bound (checked on the text); an absent body is `{}`. */
export function jsonBody(
  request: ApiRequest,
  limits: { maxBodyBytes: number; maxBodyDepth: number },
): unknown {
  const raw = request.body;
  if (raw === undefined || raw.trim() === "") return {};
  const size = Buffer.byteLength(raw, "utf8");
  const { maxBodyBytes: maxBytes, maxBodyDepth: maxDepth } = limits;
  if (size > maxBytes) throw payloadTooLarge(`the request body is ${size} bytes; the limit is ${maxBytes}`);
  const type = request.headers["content-type"];
  if (type !== undefined && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw badRequest(`the request body must be JSON (content-type application/json), got ${type}`, [
      {
        field: "header.content-type",
        message: `expected application/json, got ${type}`,
        code: "content-type",
      },
    ]);
  }
  if (jsonDeeperThan(raw, maxDepth)) {
    throw badRequest(`the request body nests deeper than ${maxDepth} levels`, [
      { field: "body", message: `objects and arrays nest deeper than ${maxDepth} levels`, code: "too-deep" },
    ]);
  }
  try {
    return JSON.parse(raw);
  } catch (cause) {
    throw badRequest(
      "the request body is not valid JSON",
      [{ field: "body", message: cause instanceof Error ? cause.message : String(cause), code: "json" }],
      { cause },
    );
  }
}

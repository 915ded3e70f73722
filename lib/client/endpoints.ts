import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { resolveContext } from "./contexts";
import { ContextError } from "./errors";

/** Where the CLI reaches Skiff: the HTTP API, and (for push/events) the bucket and the bus. */
export interface Endpoints {
  apiUrl: string;
  /** S3 endpoint override (the local stack's s3rver); absent for AWS. */
  s3Endpoint?: string;
  bucket?: string;
  /** The local bus's HTTP endpoint (`GET /events`); absent for AWS. */
  busUrl?: string;
  region?: string;
  /**
   * The credentials the embedded stack's servers accept, as its stack.json says; absent otherwise (the SDK's
   * standard chain then signs).
   */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** True when talking to the embedded stack (no SigV4 against the API). */
  local: boolean;
  /** The AWS profile whose credentials sign requests (a saved context's); the SDK's default chain otherwise. */
  awsProfile?: string;
}

/** The embedded stack cannot be found or read. */
export class EndpointsError extends ContextError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EndpointsError";
  }
}

/** The local stack's state file, found from `dir` upwards (`.skiff/stack.json`). */
export function findStackFile(dir: string = process.cwd()): string | undefined {
  for (let current = resolve(dir); ; current = dirname(current)) {
    const candidate = join(current, ".skiff", "stack.json");
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return undefined;
  }
}

/** Reads the first string found at any of the dotted paths. */
function pick(source: unknown, ...paths: string[]): string | undefined {
  for (const path of paths) {
    let value: unknown = source;
    for (const part of path.split(".")) {
      value = value && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
    }
    if (typeof value === "string" && value.length > 0) return value;
  }
  return undefined;
}

/**
 * Where the CLI and the client reach Skiff: the context picked by `SKIFF_CONTEXT`, else `SKIFF_API_URL`, else the
 * current saved context, else the running embedded stack (lib/client/contexts.ts).
 */
export function resolveEndpoints(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Endpoints {
  return resolveContext({ env, cwd }).endpoints;
}

/** A stage given by its API URL (`SKIFF_API_URL`, a saved context): signed unless it is this machine. */
export function endpointsFromUrl(url: string, env: NodeJS.ProcessEnv): Endpoints {
  const apiUrl = url.replace(/\/+$/, "");
  let host: string;
  try {
    host = new URL(apiUrl).hostname;
  } catch (cause) {
    throw new ContextError(
      `"${url}" is not a URL; expected e.g. https://abc.execute-api.eu-west-1.amazonaws.com`,
      {
        cause,
      },
    );
  }
  const local = host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host === "::1";
  return {
    apiUrl,
    bucket: env.SKIFF_BUCKET,
    s3Endpoint: env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL,
    busUrl: env.SKIFF_BUS_URL,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? regionFromHost(host),
    local,
  };
}

/** The running embedded stack, as it describes itself in `.skiff/stack.json` (found from `cwd` upwards). */
export function localStackEndpoints(cwd: string = process.cwd()): Endpoints {
  const file = findStackFile(cwd);
  if (!file) {
    throw new EndpointsError(
      "no embedded Skiff stack found (.skiff/stack.json): start one with `npx skiff start`, or pick a deployed stage with --context (skiff context list)",
    );
  }
  let stack: unknown;
  try {
    stack = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new EndpointsError(`${file} is not valid JSON`, { cause });
  }
  const apiUrl = pick(stack, "apiUrl", "api.url", "api.endpoint", "api", "http.url");
  if (!apiUrl) throw new EndpointsError(`${file} does not name the HTTP API's URL`);
  return {
    apiUrl: apiUrl.replace(/\/+$/, ""),
    s3Endpoint: pick(stack, "s3Endpoint", "s3.endpoint", "s3.url", "s3"),
    bucket: pick(stack, "bucket", "s3.bucket", "env.SKIFF_BUCKET"),
    busUrl: pick(
      stack,
      "busUrl",
      "bus.endpoint",
      "bus.url",
      "eventbridge.endpoint",
      "eventBus.endpoint",
      "bus",
    ),
    region: pick(stack, "region"),
    ...credentialsOf(stack),
    local: true,
  };
}

function credentialsOf(stack: unknown): Pick<Endpoints, "credentials"> {
  const accessKeyId = pick(stack, "credentials.accessKeyId");
  const secretAccessKey = pick(stack, "credentials.secretAccessKey");
  return accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {};
}

/** The region in an API Gateway host name (`abc.execute-api.<region>.amazonaws.com`). */
export function regionFromHost(host: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host)?.[1];
}

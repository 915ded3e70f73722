import { ServerlessConfigError } from "./variables";

export interface S3Trigger {
  kind: "s3";
  /** The real bucket name (a `provider.s3` key is resolved to its `name`). */
  bucket: string;
  /** S3 event types, e.g. `s3:ObjectCreated:*`. */
  event: string;
  prefix?: string;
  suffix?: string;
}

export interface EventBridgeTrigger {
  kind: "eventBridge";
  /** Bus name or ARN; `default` when omitted. */
  eventBus: string;
  pattern: Record<string, unknown>;
  /** Retries of the delivery; serverless's `retryPolicy.maximumRetryAttempts`. */
  maximumRetryAttempts?: number;
  /** No retry once the event is this many seconds old; serverless's `retryPolicy.maximumEventAge`. */
  maximumEventAge?: number;
}

export interface ScheduleTrigger {
  kind: "schedule";
  /** `rate(1 minute)` or `cron(...)`. */
  expression: string;
  enabled: boolean;
  /** Constant input replacing the scheduled event, when configured. */
  input?: unknown;
}

export interface HttpApiTrigger {
  kind: "httpApi";
  /** Upper-case method, or `*` for any. */
  method: string;
  /** `/pipelines/{name}/runs`, or `*` for the catch-all route. */
  path: string;
}

export type Trigger = S3Trigger | EventBridgeTrigger | ScheduleTrigger | HttpApiTrigger;

export interface FunctionDefinition {
  /** The key under `functions:` (also what `functions/index.ts` exports handlers by). */
  name: string;
  /** `functions/build.handler`. */
  handler: string;
  timeoutSeconds: number;
  memorySize: number;
  /** Async invocation retries (`maximumRetryAttempts`, default 2 as in Lambda). */
  maximumRetryAttempts: number;
  /** `provider.environment` merged with the function's own. Values are left as resolved (may be intrinsics). */
  environment: Record<string, unknown>;
  triggers: Trigger[];
}

export interface ServiceDefinition {
  service: string;
  stage: string;
  region: string;
  functions: FunctionDefinition[];
  /** `resources.Resources` (CloudFormation), for tables and the like. */
  resources: Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
}

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Reads the functions and their triggers out of a resolved serverless.yml. */
export function readService(config: Dict, file: string): ServiceDefinition {
  const fail = (where: string, message: string): never => {
    throw new ServerlessConfigError(`${file}: ${where}: ${message}`);
  };
  const provider = isDict(config.provider) ? config.provider : {};
  const providerS3 = isDict(provider.s3) ? provider.s3 : {};
  const stage = String(provider.stage ?? "dev");
  const region = String(provider.region ?? "us-east-1");
  const functions: FunctionDefinition[] = [];
  const defined = isDict(config.functions) ? config.functions : {};
  for (const [name, value] of Object.entries(defined)) {
    const where = `functions.${name}`;
    if (!isDict(value)) fail(where, "expected a mapping");
    const fn = value as Dict;
    if (typeof fn.handler !== "string")
      fail(`${where}.handler`, "expected a string like functions/build.handler");
    const events = Array.isArray(fn.events) ? fn.events : [];
    functions.push({
      name,
      handler: fn.handler as string,
      timeoutSeconds: Number(fn.timeout ?? provider.timeout ?? 6),
      memorySize: Number(fn.memorySize ?? provider.memorySize ?? 1024),
      maximumRetryAttempts: Number(fn.maximumRetryAttempts ?? 2),
      environment: {
        ...(isDict(provider.environment) ? provider.environment : {}),
        ...(isDict(fn.environment) ? fn.environment : {}),
      },
      triggers: events.flatMap((event, i) => readTrigger(event, `${where}.events[${i}]`, providerS3, fail)),
    });
  }
  const resources =
    isDict(config.resources) && isDict(config.resources.Resources) ? config.resources.Resources : {};
  return {
    service: String(isDict(config.service) ? config.service.name : config.service),
    stage,
    region,
    functions,
    resources: resources as ServiceDefinition["resources"],
  };
}

function readTrigger(
  event: unknown,
  where: string,
  providerS3: Dict,
  fail: (w: string, m: string) => never,
): Trigger[] {
  if (!isDict(event)) return fail(where, "expected a mapping with one event type");
  const [kind] = Object.keys(event);
  const body = event[kind];
  switch (kind) {
    case "s3": {
      const s3 =
        typeof body === "string" ? { bucket: body } : isDict(body) ? body : fail(where, "bad s3 event");
      const bucketKey = String(s3.bucket);
      const configured = providerS3[bucketKey];
      const bucket = isDict(configured) && typeof configured.name === "string" ? configured.name : bucketKey;
      const rules = Array.isArray(s3.rules) ? s3.rules.filter(isDict) : [];
      const events = Array.isArray(s3.event) ? s3.event : [s3.event ?? "s3:ObjectCreated:*"];
      return events.map((e) => ({
        kind: "s3" as const,
        bucket,
        event: String(e),
        prefix: rules.find((r) => "prefix" in r)?.prefix as string | undefined,
        suffix: rules.find((r) => "suffix" in r)?.suffix as string | undefined,
      }));
    }
    case "eventBridge": {
      if (!isDict(body) || !isDict(body.pattern))
        return fail(`${where}.eventBridge`, "a pattern is required locally");
      const retry = isDict(body.retryPolicy) ? body.retryPolicy : {};
      return [
        {
          kind: "eventBridge",
          eventBus: typeof body.eventBus === "string" ? body.eventBus : "default",
          pattern: body.pattern,
          maximumRetryAttempts:
            retry.maximumRetryAttempts === undefined ? undefined : Number(retry.maximumRetryAttempts),
          maximumEventAge: retry.maximumEventAge === undefined ? undefined : Number(retry.maximumEventAge),
        },
      ];
    }
    case "schedule": {
      const schedule =
        typeof body === "string" ? { rate: body } : isDict(body) ? body : fail(where, "bad schedule");
      const rates = Array.isArray(schedule.rate) ? schedule.rate : [schedule.rate];
      return rates.map((rate) => ({
        kind: "schedule" as const,
        expression: String(rate),
        enabled: schedule.enabled !== false,
        input: schedule.input,
      }));
    }
    case "httpApi": {
      if (body === "*") return [{ kind: "httpApi", method: "*", path: "*" }];
      if (typeof body === "string") {
        const [method, path] = body.trim().split(/\s+/);
        if (!method || !path) return fail(`${where}.httpApi`, `expected "METHOD /path", got "${body}"`);
        return [{ kind: "httpApi", method: method.toUpperCase(), path }];
      }
      if (!isDict(body) || typeof body.path !== "string")
        return fail(`${where}.httpApi`, "a path is required");
      return [{ kind: "httpApi", method: String(body.method ?? "*").toUpperCase(), path: body.path }];
    }
    default:
      // Other triggers (sqs, stream, ...) have no local counterpart yet; they are skipped, not guessed.
      return [];
  }
}

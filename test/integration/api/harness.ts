// The HTTP API function against real parts: DynamoDB Local (table.json), s3rver, the real local engine, and
// specs compiled by the real build service. Requests are API Gateway v2 (HTTP API) events.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { DynamoCompletionOutbox } from "../../../lib/adapters/dynamodb/completion-outbox";
import { ensureTable } from "../../../lib/adapters/dynamodb/ensure-table";
import { DynamoPipelineStore } from "../../../lib/adapters/dynamodb/pipeline-store";
import { DynamoRunStore } from "../../../lib/adapters/dynamodb/run-store";
import { DynamoScheduleStore } from "../../../lib/adapters/dynamodb/schedule-store";
import { s3ClientFor } from "../../../lib/adapters/s3/client";
import { S3SpecStore } from "../../../lib/adapters/s3/spec-store";
import type { ApiDeps } from "../../../lib/api/deps";
import { createApiHandler } from "../../../lib/api/handler";
import { scheduleService } from "../../../lib/api/wiring";
import { compilePipeline } from "../../../lib/compiler";
import { defaultLimits } from "../../../lib/config";
import { LocalEngine } from "../../../lib/engine/local";
import { BuildService } from "../../../lib/pipelines/build-service";
import type { EventBus } from "../../../lib/ports/event-bus";
import { keys } from "../../../lib/ports/spec-store";
import {
  type DynamoDbLocal,
  dynamoClient,
  type LocalS3,
  localAwsEnv,
  startDynamo,
  startS3,
} from "../../support/servers";
import { tempDir } from "../../support/temp-dir";

export interface ApiStack {
  deps: ApiDeps;
  engine: LocalEngine;
  pipelines: DynamoPipelineStore;
  runs: DynamoRunStore;
  outbox: DynamoCompletionOutbox;
  specs: S3SpecStore;
  schedules: DynamoScheduleStore;
  /** Uploads `pipelines/<name>.ts` and builds it (as the build function would). */
  push(name: string, source: string): Promise<void>;
  call(
    method: string,
    path: string,
    /** `caller`: the IAM principal API Gateway authenticated (default `TEST_CALLER`); null for none. */
    options?: { body?: string | object; headers?: Record<string, string>; caller?: string | null },
    // biome-ignore lint/suspicious/noExplicitAny: tests read response fields loosely and assert their values
  ): Promise<{ status: number; body: any; headers: Record<string, string> }>;
  stop(): Promise<void>;
}

const noBus: EventBus = { publish: async () => {} };

/** The principal requests carry unless a test says otherwise (API Gateway's IAM authorizer fills it in). */
export const TEST_CALLER = "arn:aws:iam::000000000000:user/api-test";

export async function startApiStack(
  options: {
    profiles?: Record<string, Record<string, unknown>>;
    overrides?: { envAllow?: string[]; secrets?: string[] };
  } = {},
): Promise<ApiStack> {
  const [s3, dynamo]: [LocalS3, DynamoDbLocal] = await Promise.all([
    startS3({ buckets: ["skiff-api-test"] }),
    startDynamo(),
  ]);
  const env = localAwsEnv({ s3: s3.endpoint, dynamodb: dynamo.endpoint });
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const ddb = dynamoClient(dynamo.endpoint);
  await ensureTable(ddb, "skiff-api-test");
  const pipelines = new DynamoPipelineStore({ tableName: "skiff-api-test", client: ddb });
  const runs = new DynamoRunStore({ tableName: "skiff-api-test", client: ddb });
  const outbox = new DynamoCompletionOutbox({ tableName: "skiff-api-test", client: ddb });
  const specs = new S3SpecStore({ bucket: "skiff-api-test", client: s3ClientFor({ s3PathStyle: true }) });
  const schedules = new DynamoScheduleStore({ tableName: "skiff-api-test", client: ddb });
  const work = tempDir("engine");
  const engine = new LocalEngine({ namespace: "skiff", workDir: work.path });
  const deps: ApiDeps = {
    pipelines,
    runs,
    specs,
    engine,
    config: {
      limits: { ...defaultLimits, maxBodyBytes: 4096 },
      profiles: options.profiles ?? {},
      overrides: { envAllow: options.overrides?.envAllow ?? [], secrets: options.overrides?.secrets ?? [] },
      engine: { kind: "local", namespace: "skiff" },
    },
  };
  deps.schedules = scheduleService(deps, schedules);
  const handler = createApiHandler(() => deps);
  const builds = new BuildService({
    specs,
    pipelines,
    schedules,
    bus: noBus,
    compile: (r) => compilePipeline(r),
  });
  return {
    deps,
    engine,
    pipelines,
    runs,
    outbox,
    specs,
    schedules,
    async push(name, source) {
      await specs.put(keys.pipelineSource(name), source);
      const outcome = await builds.buildKey(keys.pipelineSource(name));
      if (outcome.kind !== "built") throw new Error(`push ${name}: ${outcome.kind}`);
    },
    async call(method, path, { body, headers = {}, caller = TEST_CALLER } = {}) {
      const [rawPath, rawQuery = ""] = path.split("?");
      const query = new URLSearchParams(rawQuery);
      const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
      const event: APIGatewayProxyEventV2 = {
        version: "2.0",
        routeKey: "$default",
        rawPath,
        rawQueryString: rawQuery,
        headers: { ...(text !== undefined ? { "content-type": "application/json" } : {}), ...headers },
        queryStringParameters: rawQuery ? Object.fromEntries(query) : undefined,
        requestContext: {
          accountId: "000000000000",
          apiId: "local",
          domainName: "localhost",
          domainPrefix: "localhost",
          http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "test" },
          requestId: "r",
          routeKey: "$default",
          stage: "$default",
          time: new Date().toISOString(),
          timeEpoch: Date.now(),
          ...(caller === null
            ? {}
            : {
                authorizer: {
                  iam: {
                    accessKey: "AKIATEST",
                    accountId: "000000000000",
                    callerId: "AIDATEST",
                    cognitoIdentity: null,
                    principalOrgId: "",
                    userArn: caller,
                    userId: "AIDATEST",
                  },
                },
              }),
        },
        body: text,
        isBase64Encoded: false,
      };
      const result = (await handler(event, {} as Context)) as APIGatewayProxyStructuredResultV2;
      const contentType = String(result.headers?.["content-type"] ?? "");
      return {
        status: result.statusCode ?? 0,
        headers: result.headers as Record<string, string>,
        body: contentType.includes("json") ? JSON.parse(result.body ?? "null") : result.body,
      };
    },
    async stop() {
      await engine.close();
      work.remove();
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
      ddb.destroy();
      await Promise.all([s3.stop(), dynamo.stop()]);
    },
  };
}

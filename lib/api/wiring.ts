import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoPipelineStore } from "../adapters/dynamodb/pipeline-store";
import { DynamoRunStore } from "../adapters/dynamodb/run-store";
import { DynamoScheduleStore } from "../adapters/dynamodb/schedule-store";
import { S3ArtifactReader } from "../adapters/s3/artifact-reader";
import { s3ClientFor } from "../adapters/s3/client";
import { S3SpecStore } from "../adapters/s3/spec-store";
import { serviceAccountPolicy } from "../compiler/lint/service-accounts";
import type { SkiffConfig } from "../config";
import type { ScheduleStore } from "../ports/schedule-store";
import { ScheduleService } from "../runs/schedules/service";
import type { ApiDeps } from "./deps";
import { startRun } from "./runs";

export interface ApiDepsOptions {
  /** The clock of runs and schedules. Default: the system's (tests of the schedule tick move it). */
  now?: () => Date;
}

/**
 * The API's ports on the configured bucket, table and engine (one set per container). The engine module
 * (the Kubernetes client, the local engine) is loaded here, on the first request, not at module load: it is
 * most of the bundle and the init phase should not pay for it.
 */
export async function apiDepsFromConfig(config: SkiffConfig, options: ApiDepsOptions = {}): Promise<ApiDeps> {
  const { createEngine } = await import("../engine");
  // Both stores are on the one table, through one client.
  const table = { tableName: config.table, client: new DynamoDBClient({}) };
  const s3 = s3ClientFor(config);
  const deps: ApiDeps = {
    pipelines: new DynamoPipelineStore(table),
    runs: new DynamoRunStore(table),
    specs: new S3SpecStore({ bucket: config.bucket, client: s3 }),
    artifacts: new S3ArtifactReader({
      bucket: config.bucket,
      client: s3,
      mode: config.artifacts.download,
      urlTtlSeconds: config.artifacts.urlTtlSeconds,
    }),
    engine: createEngine(config.engine),
    config,
    // The notifier template the build injects (same configuration as the build function's) is allowed its account.
    serviceAccounts: serviceAccountPolicy(config.serviceAccounts, config.notifier),
    ...(options.now ? { now: options.now } : {}),
  };
  deps.schedules = scheduleService(deps, new DynamoScheduleStore(table));
  return deps;
}

/** Schedules on the API's ports: each firing starts its run through the API's own run path. */
export function scheduleService(deps: ApiDeps, store: ScheduleStore): ScheduleService {
  return new ScheduleService({
    store,
    runs: deps.runs,
    engine: deps.engine,
    ...(deps.now ? { now: deps.now } : {}),
    start: async ({ pipeline, version, scheduledTime, idempotencyKey }) =>
      (
        await startRun(deps, {
          name: pipeline,
          version,
          scheduledTime,
          idempotencyKey,
          caller: SCHEDULE_CALLER,
        })
      ).run,
  });
}

/** The schedule tick's service: the API's ports and run path (the `schedules` function). */
export async function scheduleServiceFromConfig(
  config: SkiffConfig,
  options: ApiDepsOptions = {},
): Promise<ScheduleService> {
  const deps = await apiDepsFromConfig(config, options);
  if (!deps.schedules) throw new Error("the API's dependencies have no schedule service");
  return deps.schedules;
}

/** The caller recorded on scheduled runs. */
export const SCHEDULE_CALLER = "schedule";

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoPipelineStore } from "../adapters/dynamodb/pipeline-store";
import { DynamoRunStore } from "../adapters/dynamodb/run-store";
import { S3ArtifactReader } from "../adapters/s3/artifact-reader";
import { s3ClientFor } from "../adapters/s3/client";
import { S3SpecStore } from "../adapters/s3/spec-store";
import { serviceAccountPolicy } from "../compiler/lint/service-accounts";
import type { SkiffConfig } from "../config";
import type { ApiDeps } from "./deps";

/**
 * The API's ports on the configured bucket, table and engine (one set per container). The engine module
 * (the Kubernetes client, the local engine) is loaded here, on the first request, not at module load: it is
 * most of the bundle and the init phase should not pay for it.
 */
export async function apiDepsFromConfig(config: SkiffConfig): Promise<ApiDeps> {
  const { createEngine } = await import("../engine");
  // Both stores are on the one table, through one client.
  const table = { tableName: config.table, client: new DynamoDBClient({}) };
  const s3 = s3ClientFor(config);
  return {
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
  };
}

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoCompletionOutbox } from "../adapters/dynamodb/completion-outbox";
import { DynamoRunStore } from "../adapters/dynamodb/run-store";
import { EventBridgeBus } from "../adapters/eventbridge/event-bus";
import { S3ArtifactReader } from "../adapters/s3/artifact-reader";
import { s3ClientFor } from "../adapters/s3/client";
import { S3SpecStore } from "../adapters/s3/spec-store";
import type { SkiffConfig } from "../config";
import { Watcher } from "./watcher";

/**
 * The watcher on the configured table, bus and engine (one per container). The engine module (client-node, EKS
 * auth) is loaded here, on the first event, not at module load, keeping the init phase small.
 */
export async function watcherFromConfig(config: SkiffConfig): Promise<Watcher> {
  const { createEngine } = await import("../engine");
  // The run store and the outbox are on the one table, through one client.
  const table = { tableName: config.table, client: new DynamoDBClient({}) };
  const s3 = s3ClientFor(config);
  return new Watcher(
    {
      runs: new DynamoRunStore(table),
      outbox: new DynamoCompletionOutbox(table),
      bus: new EventBridgeBus({ busName: config.eventBus }),
      engine: createEngine(config.engine),
      specs: new S3SpecStore({ bucket: config.bucket, client: s3 }),
      artifacts: new S3ArtifactReader({
        bucket: config.bucket,
        client: s3,
        mode: config.artifacts.download,
        urlTtlSeconds: config.artifacts.urlTtlSeconds,
      }),
    },
    { noStatusTimeoutMs: config.limits.noStatusTimeoutMs },
  );
}

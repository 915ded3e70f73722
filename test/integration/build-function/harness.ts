// Real local servers for the build function: s3rver (its notifications shaped as S3's), DynamoDB Local with
// the table of lib/adapters/dynamodb/table.json, and the embedded EventBridge recording what the handler publishes.
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import { ensureTable } from "../../../lib/adapters/dynamodb/ensure-table";
import { DynamoPipelineStore } from "../../../lib/adapters/dynamodb/pipeline-store";
import { resetConfig } from "../../../lib/config";
import type { EventEnvelope } from "../../../lib/local/bus/envelope";
import { type EventBusServer, startEventBus } from "../../../lib/local/bus/server";
import {
  type DynamoDbLocal,
  dynamoClient,
  type LocalS3,
  localAwsEnv,
  s3Client,
  startDynamo,
  startS3,
} from "../../support/servers";

export const BUCKET = "skiff-test-pipelines";
export const TABLE = "skiff-test";
export const BUS = "skiff-test";

export interface Stack {
  s3: LocalS3;
  dynamo: DynamoDbLocal;
  bus: EventBusServer;
  s3Client: S3Client;
  pipelines: DynamoPipelineStore;
  /** Uploads `key` and resolves with the notification s3rver sends for it. */
  upload(key: string, body: string, metadata?: Record<string, string>): Promise<S3Event>;
  /** Events published on the Skiff bus so far. */
  published(): EventEnvelope[];
  stop(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const [s3, dynamo, bus] = await Promise.all([
    startS3({ buckets: [BUCKET] }),
    startDynamo(),
    startEventBus({ buses: [BUS] }),
  ]);
  const saved = { ...process.env };
  Object.assign(
    process.env,
    localAwsEnv({ s3: s3.endpoint, dynamodb: dynamo.endpoint, eventbridge: bus.endpoint }),
    {
      SKIFF_BUCKET: BUCKET,
      SKIFF_TABLE: TABLE,
      SKIFF_EVENT_BUS: BUS,
      SKIFF_ENGINE: "local",
      SKIFF_STAGE: "test",
    },
  );
  resetConfig();
  const ddb = dynamoClient(dynamo.endpoint);
  await ensureTable(ddb, TABLE);
  const client = s3Client(s3.endpoint);
  return {
    s3,
    dynamo,
    bus,
    s3Client: client,
    pipelines: new DynamoPipelineStore({ tableName: TABLE, client: ddb }),
    async upload(key, body, metadata) {
      const notified = new Promise<S3Event>((resolve) => {
        const listener = (event: S3Event) => {
          const record = event.Records[0];
          if (
            record?.eventName.startsWith("ObjectCreated") &&
            decodeURIComponent(record.s3.object.key.replace(/\+/g, " ")) === key
          ) {
            s3.events.off("event", listener);
            resolve(event);
          }
        };
        s3.events.on("event", listener);
      });
      await client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: key,
          Body: body,
          ...(metadata ? { Metadata: metadata } : {}),
        }),
      );
      return notified;
    },
    published: () => bus.router.history(BUS),
    async stop() {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
      resetConfig();
      client.destroy();
      ddb.destroy();
      await Promise.all([s3.stop(), dynamo.stop(), bus.stop()]);
    },
  };
}

// Real local servers for integration tests. Each helper starts a fresh, isolated server (in-memory DynamoDB,
// a temporary S3 directory) on a free port; call `stop()` in `afterAll`. The Java and S3 processes are
// guarded so they die with the test worker even if it is killed.
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { type EventBusServer, type EventBusServerOptions, startEventBus } from "../../lib/local/bus/server";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../lib/local/credentials";
import { type DynamoDbLocal, type DynamoDbLocalOptions, startDynamoDbLocal } from "../../lib/local/dynamodb";
import { createS3Client, type LocalS3, type LocalS3Options, startLocalS3 } from "../../lib/local/s3";

export type { DynamoDbLocal, EventBusServer, LocalS3 };
export { LOCAL_CREDENTIALS, LOCAL_REGION };

/** DynamoDB Local, in memory unless `path` is given. */
export function startDynamo(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  return startDynamoDbLocal(options);
}

/** s3rver with the given buckets, in a temporary directory unless `directory` is given. */
export function startS3(options: LocalS3Options = {}): Promise<LocalS3> {
  return startLocalS3(options);
}

/**
 * The embedded EventBridge (PutEvents endpoint + `GET /events` feed). Rules and webhooks may be given here or
 * added later through `bus.router`; `await bus.router.idle()` waits for pending deliveries.
 */
export function startBus(options: EventBusServerOptions = {}): Promise<EventBusServer> {
  return startEventBus({ retryDelaysMs: [50, 100], ...options });
}

/** A DynamoDB client for a local endpoint, with the local credentials and region. */
export function dynamoClient(endpoint: string, config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint, ...config });
}

/** An S3 client for a local endpoint (path-style, checksums only when required). */
export function s3Client(endpoint: string, config: S3ClientConfig = {}): S3Client {
  return createS3Client(endpoint, config);
}

/**
 * The environment variables the handlers read, pointing at local endpoints. Apply with
 * `Object.assign(process.env, localAwsEnv({...}))` (and restore afterwards) or pass to a child process.
 */
export function localAwsEnv(endpoints: {
  s3?: string;
  dynamodb?: string;
  eventbridge?: string;
}): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
  if (endpoints.s3) env.AWS_ENDPOINT_URL_S3 = endpoints.s3;
  if (endpoints.dynamodb) env.AWS_ENDPOINT_URL_DYNAMODB = endpoints.dynamodb;
  if (endpoints.eventbridge) env.AWS_ENDPOINT_URL_EVENTBRIDGE = endpoints.eventbridge;
  return env;
}

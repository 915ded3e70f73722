// Test helper: one DynamoDB Local per test file and a fresh table per test (until test/support lands).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../../lib/local/credentials";
import { type DynamoDbLocal, startDynamoDbLocal } from "../../../lib/local/dynamodb";
import { ensureTable } from "../../../lib/runs/ensure-table";

export interface DynamoFixture {
  server: DynamoDbLocal;
  client: DynamoDBClient;
  /** Creates a fresh, empty table and returns its name. */
  newTable(): Promise<string>;
  stop(): Promise<void>;
}

let tables = 0;

export async function startDynamo(): Promise<DynamoFixture> {
  const server = await startDynamoDbLocal();
  const client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 5,
  });
  return {
    server,
    client,
    async newTable() {
      const name = `skiff-test-${process.pid}-${++tables}`;
      await ensureTable(client, name);
      return name;
    },
    async stop() {
      client.destroy();
      await server.stop();
    },
  };
}

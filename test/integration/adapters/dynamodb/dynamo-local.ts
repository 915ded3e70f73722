// Test helper: one DynamoDB Local per test file (test/support/servers) and a fresh table per test.
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ensureTable } from "../../../../lib/adapters/dynamodb/ensure-table";
import { type DynamoDbLocal, dynamoClient, startDynamo as startServer } from "../../../support/servers";

export interface DynamoFixture {
  server: DynamoDbLocal;
  client: DynamoDBClient;
  /** Creates a fresh, empty table from lib/adapters/dynamodb/table.json and returns its name. */
  newTable(): Promise<string>;
  /** A client of its own that lists the name of every command it sends (destroy it after use). */
  countingClient(): { client: DynamoDBClient; requests: string[] };
  stop(): Promise<void>;
}

let tables = 0;

export async function startDynamo(): Promise<DynamoFixture> {
  const server = await startServer();
  const client = dynamoClient(server.endpoint, { maxAttempts: 5 });
  return {
    server,
    client,
    async newTable() {
      const name = `skiff-test-${process.pid}-${++tables}`;
      await ensureTable(client, name);
      return name;
    },
    countingClient() {
      const counted = dynamoClient(server.endpoint, { maxAttempts: 5 });
      const requests: string[] = [];
      counted.middlewareStack.add(
        (next, context) => async (args) => {
          requests.push(context.commandName ?? "?");
          return next(args);
        },
        { step: "initialize", name: "countRequests" },
      );
      return { client: counted, requests };
    },
    async stop() {
      client.destroy();
      await server.stop();
    },
  };
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive } from "../../support/processes";
import { type DynamoDbLocal, dynamoClient, startDynamo } from "../../support/servers";

describe("DynamoDB Local", () => {
  let dynamo: DynamoDbLocal;
  beforeAll(async () => {
    dynamo = await startDynamo();
  });
  afterAll(() => dynamo?.stop());

  it("answers the DynamoDB API on its endpoint", async () => {
    const client = dynamoClient(dynamo.endpoint);
    await client.send(
      new CreateTableCommand({
        TableName: "things",
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await client.send(new PutItemCommand({ TableName: "things", Item: { pk: { S: "a" }, v: { N: "1" } } }));
    const got = await client.send(new GetItemCommand({ TableName: "things", Key: { pk: { S: "a" } } }));
    expect(got.Item?.v).toEqual({ N: "1" });
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(["things"]);
  });

  it("keeps data on disk across a restart when given a path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "skiff-ddb-test-"));
    try {
      const first = await startDynamo({ path: join(dir, "db") });
      await dynamoClient(first.endpoint).send(
        new CreateTableCommand({
          TableName: "kept",
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
      await first.stop();
      expect(isAlive(first.pid)).toBe(false);
      const second = await startDynamo({ path: join(dir, "db") });
      try {
        const tables = await dynamoClient(second.endpoint).send(new ListTablesCommand({}));
        expect(tables.TableNames).toEqual(["kept"]);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

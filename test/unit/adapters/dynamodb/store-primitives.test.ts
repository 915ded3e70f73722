import { describe, expect, it } from "vitest";
import {
  assertCursorFits,
  decodeCursor,
  encodeCursor,
  pageSize,
} from "../../../../lib/adapters/dynamodb/cursor";
import { paramPartition } from "../../../../lib/adapters/dynamodb/keys";
import { createTableInput, tableProperties } from "../../../../lib/adapters/dynamodb/table-definition";
import { InvalidCursorError, InvalidRunInputError } from "../../../../lib/runs/errors";

describe("cursors and limits", () => {
  it("round-trips and rejects anything it did not issue", () => {
    const cursor = encodeCursor({ part: 1, key: { pk: "RUN#a", sk: "RUN" } });
    expect(decodeCursor(cursor)).toEqual({ part: 1, key: { pk: "RUN#a", sk: "RUN" } });
    for (const bad of [
      "",
      "!!",
      Buffer.from("[1]").toString("base64url"),
      encodeCursor({ key: { pk: 1 } } as never),
    ]) {
      expect(() => decodeCursor(bad)).toThrow(InvalidCursorError);
    }
    expect(pageSize(undefined)).toBe(50);
    expect(() => pageSize(1.5)).toThrow(InvalidRunInputError);
  });
});

describe("assertCursorFits", () => {
  const byPipeline = {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :p",
    ExpressionAttributeValues: { ":p": "RUNS#etl" },
  };
  const versions = {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :v)",
    ExpressionAttributeValues: { ":pk": "PIPELINE#etl", ":v": "VERSION#" },
  };
  it("accepts the keys of the query's own index and partition", () => {
    expect(() =>
      assertCursorFits({ pk: "RUN#a", sk: "RUN", gsi1pk: "RUNS#etl", gsi1sk: "2026#a" }, byPipeline),
    ).not.toThrow();
    expect(() => assertCursorFits({ pk: "PIPELINE#etl", sk: "VERSION#00000003" }, versions)).not.toThrow();
  });
  it.each([
    ["another partition", { pk: "RUN#a", sk: "RUN", gsi1pk: "RUNS#other", gsi1sk: "x" }, byPipeline],
    ["another index", { pk: "RUN#a", sk: "RUN", gsi2pk: "RUNS#etl", gsi2sk: "x" }, byPipeline],
    ["missing attributes", { pk: "RUN#a", sk: "RUN" }, byPipeline],
    ["a sort key outside the prefix", { pk: "PIPELINE#etl", sk: "PIPELINE" }, versions],
    ["the table key of another partition", { pk: "PIPELINE#x", sk: "VERSION#1" }, versions],
  ])("refuses %s", (_case, key, query) => {
    expect(() => assertCursorFits(key, query)).toThrow(InvalidCursorError);
  });
});

describe("keys", () => {
  it("indexes long parameter values by hash", () => {
    expect(paramPartition("date", "2026")).toBe("PARAM#date=2026");
    const long = paramPartition("blob", "x".repeat(600));
    expect(long).toMatch(/^PARAM#blob=sha256:[0-9a-f]{64}$/);
  });
});

describe("table.json", () => {
  it("is on-demand, encrypted, point-in-time recoverable, and createTableInput mirrors its keys", () => {
    expect(tableProperties).toMatchObject({
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    const input = createTableInput("t");
    expect(input.TableName).toBe("t");
    expect(input.KeySchema).toEqual(tableProperties.KeySchema);
    expect(input.GlobalSecondaryIndexes?.map((g) => g.IndexName)).toEqual(["gsi1", "gsi2", "gsi3", "gsi4"]);
    const defined = new Set(tableProperties.AttributeDefinitions.map((a) => a.AttributeName));
    for (const g of tableProperties.GlobalSecondaryIndexes) {
      for (const k of g.KeySchema) expect(defined.has(k.AttributeName)).toBe(true);
    }
  });
});

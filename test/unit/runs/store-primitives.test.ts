import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, pageSize } from "../../../lib/runs/cursor";
import { InvalidCursorError, InvalidRunInputError } from "../../../lib/runs/errors";
import { paramPartition } from "../../../lib/runs/keys";
import { createTableInput, tableProperties } from "../../../lib/runs/table";

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

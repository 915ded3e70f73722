import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parameterItems, runItem } from "../../../../lib/adapters/dynamodb/run-items";
import { DynamoRunStore } from "../../../../lib/adapters/dynamodb/run-store";
import { DynamoTable } from "../../../../lib/adapters/dynamodb/table";
import type { RunRecord, RunStatus } from "../../../../lib/ports/run-store";
import { type DynamoFixture, startDynamo } from "./dynamo-local";

let dynamo: DynamoFixture;

beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

const zero = { Pending: 0, Running: 0, Succeeded: 0, Failed: 0, Error: 0, Stopped: 0, Terminated: 0 };

const at = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();

function record(n: number, over: Partial<RunRecord>): RunRecord {
  return {
    runId: `run-${String(n).padStart(5, "0")}`,
    pipeline: "etl",
    version: "v1",
    status: "Pending",
    parameters: {},
    engine: { kind: "local", namespace: "default" },
    createdAt: at(n),
    ...over,
  };
}

/** Writes runs as the store lays them out (run item and parameter entries), in batches: setup, not the subject. */
async function seed(tableName: string, runs: RunRecord[]): Promise<void> {
  const table = new DynamoTable({ tableName, client: dynamo.client });
  await table.batchPut(
    runs.flatMap((r) => [runItem(r), ...parameterItems(r)]),
    "seeded runs",
  );
}

describe("countRuns", () => {
  it("counts runs per status by pipeline, parameter value and time, every status present", async () => {
    const tableName = await dynamo.newTable();
    const store = new DynamoRunStore({ tableName, client: dynamo.client });
    const runs: RunRecord[] = [
      record(1, { status: "Succeeded", parameters: { date: "d1" } }),
      record(2, { status: "Failed", parameters: { date: "d1" } }),
      record(3, { status: "Succeeded", parameters: { date: "d2" } }),
      record(4, { pipeline: "other", status: "Succeeded", parameters: { date: "d1" } }),
      record(5, { status: "Running", parameters: { date: "d1" } }),
    ];
    // Through the store's own writes, so that status moves re-key the status index as in production.
    for (const r of runs) await store.createRun({ ...r, status: "Pending" });
    for (const r of runs) {
      if (r.status !== "Pending") await store.applyStatus({ runId: r.runId, status: r.status, steps: [] });
    }

    expect(await store.countRuns({})).toEqual({ ...zero, Succeeded: 3, Failed: 1, Running: 1 });
    expect(await store.countRuns({ pipeline: "etl" })).toEqual({
      ...zero,
      Succeeded: 2,
      Failed: 1,
      Running: 1,
    });
    expect(await store.countRuns({ pipeline: "nothing" })).toEqual(zero);
    expect(await store.countRuns({ param: { name: "date", value: "d1" } })).toEqual({
      ...zero,
      Succeeded: 2,
      Failed: 1,
      Running: 1,
    });
    expect(await store.countRuns({ param: { name: "date", value: "d1" }, pipeline: "etl" })).toEqual({
      ...zero,
      Succeeded: 1,
      Failed: 1,
      Running: 1,
    });
    // `since` is inclusive, on the creation time.
    expect(await store.countRuns({ since: at(3) })).toEqual({ ...zero, Succeeded: 2, Running: 1 });
    expect(await store.countRuns({ since: at(3), pipeline: "etl" })).toEqual({
      ...zero,
      Succeeded: 1,
      Running: 1,
    });
    expect(await store.countRuns({ since: at(2), param: { name: "date", value: "d1" } })).toEqual({
      ...zero,
      Failed: 1,
      Succeeded: 1,
      Running: 1,
    });
    expect(await store.countRuns({ since: at(6) })).toEqual(zero);
  });

  it("counts 3,000 runs over several pages through the indexes, never scanning", async () => {
    const tableName = await dynamo.newTable();
    const statuses: RunStatus[] = ["Succeeded", "Failed", "Running"];
    // A kilobyte of message each: the pipeline's runs are over 1 MB, more than one query page.
    const runs = Array.from({ length: 3000 }, (_, i) =>
      record(i, {
        status: statuses[i % 3],
        parameters: { region: i % 2 === 0 ? "eu" : "us" },
        message: "m".repeat(1024),
      }),
    );
    await seed(tableName, runs);
    const { client, requests } = dynamo.countingClient();
    const store = new DynamoRunStore({ tableName, client });
    try {
      expect(await store.countRuns({})).toEqual({ ...zero, Succeeded: 1000, Failed: 1000, Running: 1000 });
      const before = requests.length;
      expect(await store.countRuns({ pipeline: "etl" })).toEqual({
        ...zero,
        Succeeded: 1000,
        Failed: 1000,
        Running: 1000,
      });
      // One pass over the pipeline's partition, in pages: not one pass per status.
      expect(requests.length - before).toBeGreaterThan(1);
      expect(requests.length - before).toBeLessThan(7);
      // Even indexes are the eu runs: i % 6 in {0, 2, 4} → Succeeded, Running, Failed, 500 each.
      expect(await store.countRuns({ param: { name: "region", value: "eu" } })).toEqual({
        ...zero,
        Succeeded: 500,
        Failed: 500,
        Running: 500,
      });
      expect(await store.countRuns({ since: at(2400) })).toEqual({
        ...zero,
        Succeeded: 200,
        Failed: 200,
        Running: 200,
      });
      expect(requests).not.toContain("ScanCommand");
      expect(new Set(requests)).toEqual(new Set(["QueryCommand", "BatchGetItemCommand"]));
    } finally {
      client.destroy();
    }
  }, 120_000);
});

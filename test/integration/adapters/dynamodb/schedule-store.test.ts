import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DynamoPipelineStore } from "../../../../lib/adapters/dynamodb/pipeline-store";
import { DynamoScheduleStore } from "../../../../lib/adapters/dynamodb/schedule-store";
import type { ScheduleRecord } from "../../../../lib/ports/schedule-store";
import { type DynamoFixture, startDynamo } from "./dynamo-local";

let dynamo: DynamoFixture;
let schedules: DynamoScheduleStore;
let pipelines: DynamoPipelineStore;

beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});
beforeEach(async () => {
  const table = { tableName: await dynamo.newTable(), client: dynamo.client };
  schedules = new DynamoScheduleStore(table);
  pipelines = new DynamoPipelineStore(table);
});

const schedule = (over: Partial<ScheduleRecord> = {}): Omit<ScheduleRecord, "revision"> => ({
  pipeline: "nightly",
  version: "v1",
  schedules: ["0 3 * * *"],
  concurrencyPolicy: "Forbid",
  suspended: false,
  installedAt: "2026-01-01T00:00:00.000Z",
  succeeded: 0,
  failed: 0,
  ...over,
});

describe("DynamoScheduleStore", () => {
  it("installs a schedule, replaced only by a newer version (v10 after v9, numerically)", async () => {
    expect(await schedules.install(schedule({ version: "v9" }))).toBe(true);
    expect(await schedules.get("nightly")).toMatchObject({
      version: "v9",
      revision: 1,
      schedules: ["0 3 * * *"],
    });
    expect(await schedules.install(schedule({ version: "v10", schedules: ["0 4 * * *"] }))).toBe(true);
    // A late build of an older version (or the same one retried) leaves the newer schedule.
    expect(await schedules.install(schedule({ version: "v9", schedules: ["0 5 * * *"] }))).toBe(false);
    expect(await schedules.install(schedule({ version: "v10", schedules: ["0 6 * * *"] }))).toBe(false);
    expect(await schedules.get("nightly")).toMatchObject({ version: "v10", schedules: ["0 4 * * *"] });
  });

  it("updates conditionally on the revision read", async () => {
    await schedules.install(schedule());
    const read = await schedules.get("nightly");
    if (!read) throw new Error("not installed");
    expect(await schedules.update({ ...read, suspended: true })).toBe(true);
    // A second writer with the same stale read loses.
    expect(await schedules.update({ ...read, lastScheduledTime: "2026-01-02T03:00:00.000Z" })).toBe(false);
    expect(await schedules.get("nightly")).toMatchObject({ suspended: true, revision: 2 });
    expect((await schedules.get("nightly"))?.lastScheduledTime).toBeUndefined();
  });

  it("removes a schedule only for its own or a newer version", async () => {
    await schedules.install(schedule({ version: "v3" }));
    await schedules.remove("nightly", "v2");
    expect(await schedules.get("nightly")).toBeDefined();
    await schedules.remove("nightly", "v4");
    expect(await schedules.get("nightly")).toBeUndefined();
    await schedules.remove("nightly", "v5"); // nothing to remove: no error
  });

  it("lists schedules, and only schedules, though they share the pipelines' index", async () => {
    await pipelines.recordVersion({
      pipeline: "etl",
      contentHash: "h",
      sourceSize: 1,
      ok: true,
      parameters: [],
      templateCount: 1,
      diagnostics: [],
      createdAt: "2026-01-01T00:00:00.000Z",
    });
    await schedules.install(schedule({ pipeline: "a" }));
    await schedules.install(schedule({ pipeline: "b" }));
    const page = await schedules.list();
    expect(page.items.map((s) => s.pipeline)).toEqual(["a", "b"]);
    expect(page.items[0]).toEqual({ ...schedule({ pipeline: "a" }), revision: 1 });
    expect((await pipelines.listPipelines()).items.map((p) => p.name)).toEqual(["etl"]);
  });
});

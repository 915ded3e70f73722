import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DynamoPipelineStore } from "../../../../lib/adapters/dynamodb/pipeline-store";
import type { PipelineVersion } from "../../../../lib/ports/pipeline-store";
import { type DynamoFixture, startDynamo } from "./dynamo-local";

let dynamo: DynamoFixture;
let pipelines: DynamoPipelineStore;

beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});
beforeEach(async () => {
  pipelines = new DynamoPipelineStore({ tableName: await dynamo.newTable(), client: dynamo.client });
});

const version = (over: Partial<Omit<PipelineVersion, "version">> = {}): Omit<PipelineVersion, "version"> => ({
  pipeline: "etl",
  contentHash: "hash-1",
  sourceSize: 100,
  ok: true,
  parameters: [{ name: "date" }],
  templateCount: 2,
  diagnostics: [],
  createdAt: "2026-01-01T00:00:00.000Z",
  ...over,
});

describe("pipelines and versions", () => {
  it("numbers versions v1, v2… and lists them newest first", async () => {
    const a = await pipelines.recordVersion(version({ contentHash: "a" }));
    const b = await pipelines.recordVersion(version({ contentHash: "b" }));
    expect([a.version.version, b.version.version]).toEqual(["v1", "v2"]);
    const page = await pipelines.listVersions("etl");
    expect(page.items.map((v) => v.version)).toEqual(["v2", "v1"]);
    expect(page.items[0]).toMatchObject({ contentHash: "b", pipeline: "etl", templateCount: 2 });
    expect(page.items[0]).not.toHaveProperty("pk");
  });

  it("creates no new version for identical content", async () => {
    await pipelines.recordVersion(version({ contentHash: "same" }));
    const again = await pipelines.recordVersion(version({ contentHash: "same" }));
    expect(again).toMatchObject({ created: false, version: { version: "v1" } });
    expect((await pipelines.listVersions("etl")).items).toHaveLength(1);
  });

  it("moves latestGoodVersion only on success and keeps the last build's diagnostics", async () => {
    await pipelines.recordVersion(version({ contentHash: "good" }));
    const diagnostics = [{ severity: "error" as const, code: "schema", message: "bad", line: 3, column: 1 }];
    await pipelines.recordVersion(version({ contentHash: "bad", ok: false, diagnostics }));
    const pipeline = await pipelines.getPipeline("etl");
    expect(pipeline).toMatchObject({
      name: "etl",
      latestVersion: "v2",
      latestGoodVersion: "v1",
      lastBuild: { version: "v2", ok: false, diagnostics },
    });
    expect(pipeline).not.toHaveProperty("versionCount");
  });

  it("gives concurrent uploads of different content distinct versions", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => pipelines.recordVersion(version({ contentHash: `c${i}` }))),
    );
    const numbers = results.map((r) => r.version.version).sort();
    expect(new Set(numbers).size).toBe(8);
    expect((await pipelines.getPipeline("etl"))?.latestVersion).toBe(`v8`);
  });

  it("lists pipelines by name with pagination and reads one version", async () => {
    for (const name of ["b", "a", "c"]) await pipelines.recordVersion(version({ pipeline: name }));
    const first = await pipelines.listPipelines({ limit: 2 });
    expect(first.items.map((p) => p.name)).toEqual(["a", "b"]);
    const second = await pipelines.listPipelines({ limit: 2, cursor: first.cursor });
    expect(second.items.map((p) => p.name)).toEqual(["c"]);
    expect(await pipelines.getVersion("a", "v1")).toMatchObject({ pipeline: "a", version: "v1" });
    expect(await pipelines.getVersion("a", "v2")).toBeUndefined();
    expect(await pipelines.getVersion("a", "latest")).toBeUndefined();
  });
});

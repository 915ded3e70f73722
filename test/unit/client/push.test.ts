import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ownVersion, planPush, uploadReplaced } from "../../../lib/client/push";
import { contentHash } from "../../../lib/pipelines/content-hash";
import type { PipelineVersion } from "../../../lib/ports/pipeline-store";

const dir = mkdtempSync(join(tmpdir(), "skiff-push-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, text: string): string {
  const full = join(dir, path);
  mkdirSync(join(full, ".."), { recursive: true });
  writeFileSync(full, text);
  return full;
}

describe("planPush", () => {
  it("uploads a self-contained pipeline.ts as pipelines/<dir>.ts", async () => {
    const file = write(
      "etl/pipeline.ts",
      `import { workflow } from "skiff";\nexport default workflow({});\n`,
    );
    const plan = await planPush(file);
    expect(plan.pipeline).toBe("etl");
    expect(plan.files.map((f) => f.path)).toEqual(["etl.ts"]);
    expect(plan.contentHash).toBe(contentHash({ "etl.ts": plan.files[0].text }));
  });

  it("uploads relative imports beside the entry, the entry last", async () => {
    write("report/steps/say.ts", `export const say = "hi";\n`);
    write("report/unused.ts", `export const unused = 1;\n`);
    const file = write(
      "report/pipeline.ts",
      `import { workflow } from "skiff";\nimport { say } from "./steps/say";\nexport default workflow({ name: say });\n`,
    );
    const plan = await planPush(file);
    expect(plan.files.map((f) => f.path)).toEqual(["report/steps/say.ts", "report/pipeline.ts"]);
  });

  it("names a pipeline after its file, or --name", async () => {
    const file = write("misc/nightly-load.ts", `export default {};\n`);
    expect((await planPush(file)).pipeline).toBe("nightly-load");
    expect((await planPush(file, "other")).files.map((f) => f.path)).toEqual(["other.ts"]);
    await expect(planPush(write("misc/Bad_Name.ts", ""))).rejects.toThrow(/lowercase.*--name/);
  });

  it("refuses imports from outside the pipeline's directory", async () => {
    write("shared.ts", `export const x = 1;\n`);
    const file = write("outside/pipeline.ts", `import { x } from "../shared";\nexport default { x };\n`);
    await expect(planPush(file)).rejects.toThrow(/imports .*shared\.ts, outside its directory/);
  });

  it("leaves syntax errors to the build (uploads the entry alone)", async () => {
    const file = write("broken/pipeline.ts", `export default {{{;\n`);
    expect((await planPush(file)).files.map((f) => f.path)).toEqual(["broken.ts"]);
  });
});

const version = (n: number, hash: string, upload?: PipelineVersion["upload"]): PipelineVersion => ({
  pipeline: "p",
  version: `v${n}`,
  contentHash: hash,
  sourceSize: 1,
  ok: true,
  parameters: [],
  templateCount: 1,
  diagnostics: [],
  createdAt: "2026-01-01T00:00:00Z",
  ...(upload ? { upload } : {}),
});

describe("ownVersion", () => {
  const key = "pipelines/p.ts";

  it("is the first version after the push with its content, passing over other pushes' versions", () => {
    const push = { contentHash: "X", upload: { key, etag: '"x"' }, after: 2 };
    const versions = [version(5, "X"), version(4, "Y"), version(3, "X"), version(2, "Z"), version(1, "X")];
    expect(ownVersion(versions, push)?.version).toBe("v3");
    expect(ownVersion([version(4, "Y"), version(3, "Z"), version(1, "X")], push)).toBeUndefined();
  });

  it("is the latest version at push time when that one already had the content (nothing new is recorded)", () => {
    const push = { contentHash: "X", upload: { key, etag: '"x"' }, after: 2 };
    expect(ownVersion([version(3, "Y"), version(2, "X")], push)?.version).toBe("v2");
    expect(ownVersion([], { ...push, after: 0 })).toBeUndefined();
  });

  it("is the version built from the very S3 object version, when the bucket is versioned", () => {
    const push = { contentHash: "X", upload: { key, etag: '"x"', versionId: "b" }, after: 1 };
    const versions = [
      version(3, "X", { key, etag: '"x"', versionId: "b" }),
      version(2, "X", { key, etag: '"x"', versionId: "a" }),
    ];
    expect(ownVersion(versions, push)?.version).toBe("v3");
  });
});

describe("uploadReplaced", () => {
  const key = "pipelines/p.ts";
  const push = { contentHash: "X", upload: { key, etag: '"x"' }, after: 1 };

  it("is true once another upload holds the key and its build is recorded", () => {
    expect(uploadReplaced([version(2, "Y", { key, etag: '"y"' })], push, '"y"')).toBe(true);
  });

  it("is false while the key holds this upload, the other build is not recorded, or the bucket is versioned", () => {
    expect(uploadReplaced([version(2, "Y", { key, etag: '"y"' })], push, '"x"')).toBe(false);
    expect(uploadReplaced([version(1, "Y", { key, etag: '"y"' })], push, '"y"')).toBe(false);
    expect(uploadReplaced([], push, '"y"')).toBe(false);
    const versioned = { ...push, upload: { ...push.upload, versionId: "a" } };
    expect(uploadReplaced([version(2, "Y", { key, etag: '"y"' })], versioned, '"y"')).toBe(false);
  });
});

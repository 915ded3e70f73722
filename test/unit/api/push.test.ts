import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planPush } from "../../../lib/api/remote/push";
import { contentHash } from "../../../lib/pipelines/content-hash";

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

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { closeSharedSandboxes, compilePipeline, sharedSandbox } from "../../../lib/build";
import { bundlePipeline } from "../../../lib/build/bundle";
import { BUNDLE_FILENAME } from "../../../lib/build/compile";
import { memorySourceFiles } from "../../../lib/build/source-files";
import { BundleSourceMap } from "../../../lib/build/source-map";
import { fastTranspiler, transpileSkiffModule } from "../../../lib/build/transpile";

afterAll(() => closeSharedSandboxes());

const root = fileURLToPath(new URL("../../../", import.meta.url));
const IMPORTS_ONLY_SKIFF = /^(?![\s\S]*from\s+["']\.)/;

/** Every example and Hera port that is one file importing only skiff: what the fast path is for. */
const corpus = [
  ...readdirSync(`${root}examples`).map((name) => `examples/${name}/pipeline.ts`),
  ...readdirSync(`${root}test/conformance/hera`)
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
    .map((name) => `test/conformance/hera/${name}`),
]
  .map((path) => ({ path, source: readFileSync(`${root}${path}`, "utf8") }))
  .filter(({ source }) => IMPORTS_ONLY_SKIFF.test(source));

/** The manifest (JSON text) a bundle made with or without the fast path evaluates to. */
async function evaluated(source: string, fastPath: boolean, parameters = "{}") {
  const bundled = await bundlePipeline({
    entry: "pipeline.ts",
    files: memorySourceFiles({ "pipeline.ts": source }),
    sourceMap: false,
    fastPath,
  });
  if (!bundled.ok) throw new Error(JSON.stringify(bundled.diagnostics));
  const outcome = await sharedSandbox().evaluate(
    bundled.bundle.code,
    BUNDLE_FILENAME,
    parameters,
    bundled.bundle.dsl,
  );
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.error));
  return outcome.resultJson;
}

const fast = (source: string, sourceMap = false) =>
  transpileSkiffModule("upload:pipeline.ts", source, { lang: "ts", sourceMap });

describe("the fast path (oxc, in process)", () => {
  it("is available on this machine", () => {
    expect(fastTranspiler()).not.toBeNull();
  });

  it("takes every one-file example and Hera port, and they evaluate exactly as esbuild's bundles do", async () => {
    expect(corpus.length).toBeGreaterThan(40);
    for (const { path, source } of corpus) {
      // tsStep ships a function's printed source: such pipelines stay with esbuild (see transpile.ts).
      if (path.includes("ts-step")) {
        expect(fast(source), path).toBeUndefined();
        continue;
      }
      expect(fast(source), path).toBeDefined();
      expect(await evaluated(source, true), path).toBe(await evaluated(source, false));
    }
  });

  it("turns every import and export form it accepts into the same module as esbuild", async () => {
    const source = `import { container as c, workflow } from "skiff";
import * as skiff from "skiff";
import type { Workflow } from "skiff";
enum Size { Small = 1, Large = 3 }
export const sizes: number[] = [Size.Small, Size.Large], unused = 1;
export function image(tag: string): string { return \`alpine:\${tag}\`; }
export class Holder { constructor(readonly name: string) {} }
const step = c({ name: new Holder("step").name, image: image("3.20"), args: sizes.map(String) });
export default function build(params: { prefix?: string }) {
  return skiff.workflow({ generateName: \`\${params.prefix ?? "x"}-\`, entrypoint: step }) as ReturnType<typeof workflow>;
}
`;
    expect(fast(source)).toBeDefined();
    const parameters = JSON.stringify({ prefix: "sized" });
    const json = await evaluated(source, true, parameters);
    expect(json).toBe(await evaluated(source, false, parameters));
    expect(JSON.parse(json).manifest.metadata.generateName).toBe("sized-");

    for (const exported of [
      `export default workflow({ generateName: "e-", entrypoint: step });`,
      `export default function () {\n  return workflow({ generateName: "f-", entrypoint: step });\n}`,
      `export default class {}\nexport const wf = workflow({ generateName: "k-", entrypoint: step });`,
      `const wf = workflow({ generateName: "n-", entrypoint: step });\nexport default (() => wf)();`,
    ]) {
      const module = `import { container, workflow } from "skiff";\nconst step = container({ name: "s", image: "alpine" });\n${exported}\n`;
      expect(fast(module), exported).toBeDefined();
      const [withFast, withEsbuild] = await Promise.all([evaluated(module, true), evaluated(module, false)]);
      // An anonymous default class is called like a build function: both fail, naming it differently.
      const comparable = (json: string) => json.replace(/Class constructor \w+/g, "Class constructor");
      expect(comparable(withFast), exported).toBe(comparable(withEsbuild));
    }
  });

  it("leaves to esbuild what it does not handle", () => {
    for (const source of [
      `import { workflow } from "skiff";\nexport default workflow({ generateName: "x-" }`, // syntax error
      `import { workflow } from "skiff";\nconst wf = workflow({}); export { wf as default };`,
      `export * from "skiff";`,
      `import { workflow } from "skiff";\nexport default workflow({ generateName: import.meta.url });`,
      `export default import("skiff");`,
      `import { "workflow" as wf } from "skiff";\nexport default wf({});`,
      `const __skiff_dflt = 1;\nexport default __skiff_dflt;`,
    ]) {
      expect(fast(source), source).toBeUndefined();
    }
  });

  it("makes the same code with and without its source map, and the map places user code", async () => {
    const source = `import { dag, container, workflow } from "skiff";
const step = container({ name: "step", image: "alpine" });

const main = dag("main", (d) => {
  d.task("fetch", step);
    d.task("fetch", step);
});
export default workflow({ generateName: "dup-", entrypoint: main });
`;
    const plain = fast(source);
    const mapped = fast(source, true);
    expect(mapped?.code).toBe(plain?.code);
    const map = new BundleSourceMap(mapped?.map ?? "", "b.js");
    // The second `d.task` (line 6, column 7 of the source) in the transpiled code:
    const lines = mapped?.code.split("\n") ?? [];
    const line = lines.findIndex(
      (text, i) => i > lines.findIndex((t) => t.includes("d.task")) && text.includes("d.task"),
    );
    const column = (lines[line]?.indexOf("d.task") ?? -1) + 1;
    expect(map.toUpload(line + 1, column)).toEqual({ file: "pipeline.ts", line: 6, column: 5 });

    // And end to end: the duplicate is reported where the user wrote it.
    const result = await compilePipeline({
      entry: "pipeline.ts",
      files: memorySourceFiles({ "pipeline.ts": source }),
    });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: "dsl", file: "pipeline.ts", line: 6, column: 7 });
    expect(result.diagnostics[0]?.message).toContain("(first at pipeline.ts:5:5)");
  });
});

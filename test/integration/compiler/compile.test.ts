import { describe, expect, it } from "vitest";
import { compilePipeline, memorySourceFiles } from "../../../lib/compiler";
import { toYaml } from "../../../lib/compiler/yaml";

const HELLO = `import { container, dag, workflow } from "skiff";
import { greeting } from "./shared/greeting";

const say = container({ name: "say", image: "alpine:3.20", command: ["echo", greeting] });
const main = dag("main", (d) => {
  const a = d.task("a", say);
  d.task("b", say).after(a);
});
export default workflow({ generateName: "hello-", entrypoint: main });
`;

describe("compilePipeline", () => {
  it("compiles a DSL pipeline with a sibling import to linted, deterministic YAML", async () => {
    const files = memorySourceFiles({
      "pipeline.ts": HELLO,
      "shared/greeting.ts": `export const greeting = "hi";\n`,
    });
    const first = await compilePipeline({ entry: "pipeline.ts", files, callSites: true });
    expect(first.diagnostics).toEqual([]);
    expect(first.ok).toBe(true);
    expect(first.spec?.kind).toBe("Workflow");
    expect(first.yaml?.startsWith("apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n")).toBe(
      true,
    );
    expect(first.yaml).toContain("- name: b");
    expect(JSON.parse(first.json ?? "")).toEqual(first.spec);
    const second = await compilePipeline({ entry: "pipeline.ts", files });
    expect(second.yaml).toBe(first.yaml);
    // The YAML the result renders is the YAML writer's rendering of the spec.
    expect(first.yaml).toBe(toYaml(first.spec));
    // DSL sites map back through the source map to the user's lines.
    expect(first.sites?.["spec.templates[0].dag.tasks[1]"]).toMatchObject({ file: "pipeline.ts", line: 7 });
  });

  it("type-checks a valid pipeline and its sibling files without a finding", async () => {
    const files = memorySourceFiles({
      "pipeline.ts": HELLO,
      "shared/greeting.ts": `export const greeting = "hi";\n`,
    });
    const result = await compilePipeline({ entry: "pipeline.ts", files, typecheck: true });
    expect(result.diagnostics).toEqual([]);
  });

  it("reports a type error in a sibling file at its line (and what it breaks in the spec)", async () => {
    const files = memorySourceFiles({
      "pipeline.ts": HELLO,
      "shared/greeting.ts": `export const greeting: string = 42;\n`,
    });
    const result = await compilePipeline({ entry: "pipeline.ts", files, typecheck: true });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: "typecheck", file: "shared/greeting.ts", line: 1, column: 14 }),
      expect.objectContaining({
        code: "schema",
        path: "spec.templates[1].container.command[1]",
        file: "pipeline.ts",
        line: 4,
      }),
    ]);
  });

  it("passes build parameters to a default-exported function", async () => {
    const files = memorySourceFiles({
      "pipeline.ts": `import { container, workflow } from "skiff";
export default (p: Record<string, string>) =>
  workflow({ name: "wf-" + p.env, entrypoint: container({ name: "main", image: "alpine:" + p.tag }) });
`,
    });
    const result = await compilePipeline({
      entry: "pipeline.ts",
      files,
      buildParameters: { env: "prod", tag: "3.20" },
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.spec?.metadata?.name).toBe("wf-prod");
    expect(result.yaml).toContain("image: alpine:3.20");
  });

  it("accepts a plain Argo spec object as the default export", async () => {
    const files = memorySourceFiles({
      "pipeline.ts": `export default {
  apiVersion: "argoproj.io/v1alpha1", kind: "Workflow", metadata: { generateName: "raw-" },
  spec: { entrypoint: "main", templates: [{ name: "main", script: { image: "python:3.12", command: ["python"], source: "print(1)\\nprint(2)\\n" } }] },
};
`,
    });
    const result = await compilePipeline({ entry: "pipeline.ts", files });
    expect(result.diagnostics).toEqual([]);
    expect(result.yaml).toContain("source: |\n");
  });

  it("maps an error thrown in a sibling file to that file's line", async () => {
    const files = memorySourceFiles({
      "pipeline.ts": `import { workflow } from "skiff";\nimport { step } from "./lib/steps";\nexport default workflow({ generateName: "x-", entrypoint: step });\n`,
      "lib/steps.ts": `import { container } from "skiff";\n\nexport const step = container({ name: "s", image: "alpine" });\nif (step) throw new RangeError("no registry configured");\n`,
    });
    const result = await compilePipeline({ entry: "pipeline.ts", files });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: "pipeline.throw",
        message: "RangeError: no registry configured",
        file: "lib/steps.ts",
        line: 4,
      }),
    ]);
  });

  it("reports a spec over etcd's 1 MB, and a smaller one with non-ASCII text not", async () => {
    const withCommand = (text: string) =>
      memorySourceFiles({
        "pipeline.ts": `import { container, workflow } from "skiff";
export default workflow({ generateName: "big-", entrypoint: container({ name: "a", image: "alpine", command: ["echo", ${text}] }) });
`,
      });
    const big = await compilePipeline({ entry: "pipeline.ts", files: withCommand(`"x".repeat(1_100_000)`) });
    expect(big.diagnostics.map((d) => d.code)).toEqual(["limits.size"]);
    // 350,000 characters of 3 UTF-8 bytes each: over 1 MB in bytes though far under it in characters.
    const wide = await compilePipeline({ entry: "pipeline.ts", files: withCommand(`"€".repeat(350_000)`) });
    expect(wide.diagnostics.map((d) => d.code)).toEqual(["limits.size"]);
    const small = await compilePipeline({ entry: "pipeline.ts", files: withCommand(`"€".repeat(300_000)`) });
    expect(small.diagnostics).toEqual([]);
  });

  it("refuses an outside import even unused, and builds a file that only mentions one in a comment", async () => {
    const unused = await compilePipeline({
      entry: "pipeline.ts",
      files: memorySourceFiles({
        "pipeline.ts": `import { container, workflow } from "skiff";
import { readFileSync } from "fs";
export default workflow({ generateName: "x-", entrypoint: container({ name: "a", image: "alpine" }) });
`,
      }),
    });
    expect(unused.diagnostics).toEqual([
      expect.objectContaining({ code: "sandbox.import", file: "pipeline.ts", line: 2, column: 30 }),
    ]);
    const mentioned = await compilePipeline({
      entry: "pipeline.ts",
      files: memorySourceFiles({
        "pipeline.ts": `import { container, workflow } from "skiff";
// Not require("fs"): pipelines cannot read files.
export default workflow({ generateName: "x-", entrypoint: container({ name: "a", image: "alpine" }) });
`,
      }),
    });
    expect(mentioned.diagnostics).toEqual([]);
  });

  it("places a throw in a one-file pipeline (transformed, not bundled) at its line", async () => {
    const result = await compilePipeline({
      entry: "pipeline.ts",
      files: memorySourceFiles({
        "pipeline.ts": `import { workflow } from "skiff";
const size: number = 3;

if (size > 2) throw new RangeError("too big");
export default workflow({ generateName: "x-" });
`,
      }),
    });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: "pipeline.throw", file: "pipeline.ts", line: 4, column: 21 }),
    ]);
  });

  it("reports a missing entry file", async () => {
    const result = await compilePipeline({ entry: "pipeline.ts", files: memorySourceFiles({}) });
    expect(result).toEqual({ ok: false, diagnostics: [expect.objectContaining({ code: "build.entry" })] });
  });

  it("reports lint errors with the user's file:line:col from DSL sites", async () => {
    const files = memorySourceFiles({
      "pipeline.ts": `import { container, dag, workflow } from "skiff";
const say = container({ name: "say", image: "alpine" });
const main = dag("main", (d) => {
  d.task("a", say, { extra: { when: "{{tasks.nope.outputs.result}} == x" } });
});
export default workflow({ generateName: "x-", entrypoint: main });
`,
    });
    const result = await compilePipeline({ entry: "pipeline.ts", files });
    expect(result.ok).toBe(false);
    const unknown = result.diagnostics.find((d) => d.code === "reference.unknown");
    expect(unknown).toMatchObject({
      path: "spec.templates[0].dag.tasks[0].when",
      file: "pipeline.ts",
      line: 4,
    });
  });
});

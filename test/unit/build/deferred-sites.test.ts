// Call sites are captured while the pipeline runs and resolved after the manifest has left the sandbox
// (the worker's second phase). Prove they still place diagnostics, and that a pipeline sabotaging that
// phase only loses its own sites.
import { afterEach, describe, expect, it } from "vitest";
import { compilePipeline, memorySourceFiles, Sandbox } from "../../../lib/build";

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());

const compile = (source: string) =>
  compilePipeline({ entry: "pipeline.ts", files: memorySourceFiles({ "pipeline.ts": source }), sandbox });

const WITH_LINT_ERROR = `import { container, dag, workflow } from "skiff";
const say = container({ name: "say", image: "alpine" });
const main = dag("main", (d) => {
  d.task("a", say);
  d.task("b", say, { extra: { template: "missing" } });
});
export default workflow({ generateName: "x-", entrypoint: main });
`;

describe("deferred call sites", () => {
  it("place lint diagnostics and fill result.sites", async () => {
    sandbox = new Sandbox();
    const result = await compile(WITH_LINT_ERROR);
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({
        path: "spec.templates[0].dag.tasks[1].template",
        file: "pipeline.ts",
        line: 5,
      }),
    );
    expect(result.sites?.["spec.templates[0].dag.tasks[0]"]).toEqual({
      file: "pipeline.ts",
      line: 4,
      column: 5,
    });
    expect(result.sites?.metadata).toMatchObject({ file: "pipeline.ts", line: 7 });
  });

  it("a pipeline that hangs the sites phase still builds, without sites, and the worker goes on", async () => {
    sandbox = new Sandbox({ timeoutMs: 1000 });
    const result = await compile(`import { container, workflow } from "skiff";
Object.defineProperty(Error, "prepareStackTrace", { get() { for (;;) {} }, set() {} });
export default workflow({ generateName: "x-", entrypoint: container({ name: "a", image: "alpine" }) });
`);
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.sites).toEqual({});
    expect(result.yaml).toContain("image: alpine");
    const next = await compile(WITH_LINT_ERROR);
    expect(next.sites?.["spec.templates[0].dag.tasks[0]"]).toEqual({
      file: "pipeline.ts",
      line: 4,
      column: 5,
    });
  });

  it("a pipeline that freezes Error builds, without sites", async () => {
    sandbox = new Sandbox();
    const result = await compile(`import { container, workflow } from "skiff";
Object.freeze(Error);
export default workflow({ generateName: "x-", entrypoint: container({ name: "a", image: "alpine" }) });
`);
    expect(result.diagnostics).toEqual([]);
    expect(result.sites).toEqual({});
  });
});

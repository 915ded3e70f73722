// A clean build evaluates its pipeline once, without recording call sites; a build with diagnostics
// evaluates it a second time with them, to place the diagnostics at file:line:col. Prove both paths, and
// that a pipeline sabotaging or defeating the second pass only loses its own sites.
import { describe, expect, it } from "vitest";
import {
  compilePipeline,
  type EvaluationRequest,
  IsolateSandbox,
  memorySourceFiles,
  type Sandbox,
  type SandboxLimits,
} from "../../../lib/compiler";

/** A real sandbox that remembers whether each evaluation asked for call sites. */
class RecordingSandbox implements Sandbox {
  readonly asked: boolean[] = [];
  private readonly inner: IsolateSandbox;

  constructor(limits: SandboxLimits = {}) {
    this.inner = new IsolateSandbox(limits);
  }

  evaluate(request: EvaluationRequest) {
    this.asked.push(request.callSites === true);
    return this.inner.evaluate(request);
  }
}

let sandbox: RecordingSandbox | undefined;

const compile = (source: string, callSites?: boolean) =>
  compilePipeline({
    entry: "pipeline.ts",
    files: memorySourceFiles({ "pipeline.ts": source }),
    sandbox,
    ...(callSites === undefined ? {} : { callSites }),
  });

const CLEAN = `import { container, workflow } from "skiff";
export default workflow({ generateName: "x-", entrypoint: container({ name: "a", image: "alpine" }) });
`;

const WITH_LINT_ERROR = `import { container, dag, workflow } from "skiff";
const say = container({ name: "say", image: "alpine" });
const main = dag("main", (d) => {
  d.task("a", say);
  d.task("b", say, { extra: { template: "missing" } });
});
export default workflow({ generateName: "x-", entrypoint: main });
`;

const lintErrorAtLine5 = expect.objectContaining({
  path: "spec.templates[0].dag.tasks[1].template",
  file: "pipeline.ts",
  line: 5,
});

describe("call sites on demand", () => {
  it("a clean build evaluates once, without sites", async () => {
    sandbox = new RecordingSandbox();
    const result = await compile(CLEAN);
    expect(result.diagnostics).toEqual([]);
    expect(result.sites).toEqual({});
    expect(sandbox.asked).toEqual([false]);
  });

  it("a lint diagnostic makes a second evaluation that places it and fills result.sites", async () => {
    sandbox = new RecordingSandbox();
    const result = await compile(WITH_LINT_ERROR);
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toContainEqual(lintErrorAtLine5);
    expect(result.sites?.["spec.templates[0].dag.tasks[0]"]).toEqual({
      file: "pipeline.ts",
      line: 4,
      column: 5,
    });
    expect(result.sites?.metadata).toMatchObject({ file: "pipeline.ts", line: 7 });
    expect(sandbox.asked).toEqual([false, true]);
  });

  it("callSites: true records them in the one evaluation of a clean build", async () => {
    sandbox = new RecordingSandbox();
    const result = await compile(WITH_LINT_ERROR.replace(`, { extra: { template: "missing" } }`, ""), true);
    expect(result.diagnostics).toEqual([]);
    expect(result.sites?.["spec.templates[0].dag.tasks[1]"]).toEqual({
      file: "pipeline.ts",
      line: 5,
      column: 5,
    });
    expect(sandbox.asked).toEqual([true]);
  });

  it("a DSL misuse is evaluated again to name the sites involved", async () => {
    sandbox = new RecordingSandbox();
    const result = await compile(`import { container, workflow, dag } from "skiff";
const a = container({ name: "same", image: "alpine" });
const b = container({ name: "same", image: "busybox" });
const main = dag("main", (d) => { d.task("a", a); d.task("b", b); });
export default workflow({ generateName: "x-", entrypoint: main });
`);
    expect(result.ok).toBe(false);
    expect(sandbox.asked).toEqual([false, true]);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: "dsl", file: "pipeline.ts" });
    expect(result.diagnostics[0].message).toMatch(/first defined at pipeline\.ts:2:/);
  });

  it("a pipeline that renders differently the second time gets its diagnostics without sites", async () => {
    sandbox = new RecordingSandbox();
    const result = await compile(
      WITH_LINT_ERROR.replace(
        `generateName: "x-"`,
        "generateName: 'x-' + Math.random().toString(36).slice(2, 8) + '-'",
      ),
    );
    expect(sandbox.asked).toEqual([false, true]);
    const diagnostic = result.diagnostics.find((d) => d.path === "spec.templates[0].dag.tasks[1].template");
    expect(diagnostic).toBeDefined();
    expect(diagnostic?.file).toBeUndefined();
    expect(result.sites).toEqual({});
  });

  it("a pipeline that hangs the second pass gets its diagnostics without sites; the next build has them", async () => {
    sandbox = new RecordingSandbox({ timeoutMs: 1000 });
    const hang = `Object.defineProperty(Error, "prepareStackTrace", { get() { for (;;) {} }, set() {} });
const say =`;
    const result = await compile(WITH_LINT_ERROR.replace(`const say =`, hang));
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.path)).toContain("spec.templates[0].dag.tasks[1].template");
    expect(result.sites).toEqual({});
    const next = await compile(WITH_LINT_ERROR);
    expect(next.diagnostics).toContainEqual(lintErrorAtLine5);
  });

  it("a pipeline that freezes Error builds, and its diagnostics come without sites; the next build has them", async () => {
    sandbox = new RecordingSandbox();
    const result = await compile(
      WITH_LINT_ERROR.replace(`const say =`, "Object.freeze(Error);\nconst say ="),
    );
    expect(result.diagnostics.map((d) => d.path)).toContain("spec.templates[0].dag.tasks[1].template");
    expect(result.diagnostics.every((d) => d.file === undefined)).toBe(true);
    const next = await compile(WITH_LINT_ERROR);
    expect(next.diagnostics).toContainEqual(lintErrorAtLine5);
  });
});

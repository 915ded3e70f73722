// A clean build evaluates its pipeline once, without recording call sites; a build with diagnostics
// evaluates it a second time with them, to place the diagnostics at file:line:col. Prove both paths, and
// that a pipeline sabotaging or defeating the second pass only loses its own sites.
import { afterEach, describe, expect, it } from "vitest";
import { compilePipeline, memorySourceFiles, Sandbox } from "../../../lib/build";

/** A real sandbox that remembers whether each evaluation asked for call sites. */
class RecordingSandbox extends Sandbox {
  readonly asked: boolean[] = [];

  override evaluate(...args: Parameters<Sandbox["evaluate"]>): ReturnType<Sandbox["evaluate"]> {
    this.asked.push(args[4]?.callSites === true);
    return super.evaluate(...args);
  }
}

let sandbox: RecordingSandbox | undefined;
afterEach(() => sandbox?.close());

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

  // The DSL runs in a realm of its own, which a pipeline reaches through the constructor of a DSL function.
  const inDslRealm = (body: string) =>
    `(container as unknown as { constructor: (body: string) => () => void }).constructor(${JSON.stringify(body)})();\nconst say =`;

  it("a pipeline that hangs the second pass gets its diagnostics without sites, and the worker goes on", async () => {
    sandbox = new RecordingSandbox({ timeoutMs: 1000 });
    const hang = `Object.defineProperty(Error, "prepareStackTrace", { get() { for (;;) {} }, set() {} });`;
    const result = await compile(WITH_LINT_ERROR.replace(`const say =`, inDslRealm(hang)));
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.path)).toContain("spec.templates[0].dag.tasks[1].template");
    expect(result.sites).toEqual({});
    const next = await compile(WITH_LINT_ERROR);
    expect(next.diagnostics).toContainEqual(lintErrorAtLine5);
  });

  it("a pipeline that freezes the DSL realm's Error builds, and its diagnostics come without sites", async () => {
    sandbox = new RecordingSandbox();
    const result = await compile(WITH_LINT_ERROR.replace(`const say =`, inDslRealm("Object.freeze(Error);")));
    expect(result.diagnostics.map((d) => d.path)).toContain("spec.templates[0].dag.tasks[1].template");
    expect(result.diagnostics.every((d) => d.file === undefined)).toBe(true);
    // The next build gets a realm with a working Error again.
    const next = await compile(WITH_LINT_ERROR);
    expect(next.diagnostics).toContainEqual(lintErrorAtLine5);
  });

  it("a pipeline sabotaging its own context's Error does not touch the DSL's sites", async () => {
    sandbox = new RecordingSandbox({ timeoutMs: 1000 });
    const sabotage = `Object.defineProperty(Error, "prepareStackTrace", { get() { for (;;) {} }, set() {} });
Object.freeze(Error);
const say =`;
    const result = await compile(WITH_LINT_ERROR.replace(`const say =`, sabotage));
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({
        path: "spec.templates[0].dag.tasks[1].template",
        file: "pipeline.ts",
        line: 7,
      }),
    );
  });
});

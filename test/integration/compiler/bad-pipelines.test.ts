import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompileResult, compilePipeline, memorySourceFiles } from "../../../lib/compiler";

// Every bad pipeline gets its own, specific diagnostic, and none of them reaches the build host: a secret
// planted in the parent's environment never shows up, and the marker file they try to create never exists.
const fixtures = fileURLToPath(new URL("../../fixtures/bad-pipelines/", import.meta.url));
const SECRET = `planted-${process.pid}-${Date.now()}`;
const MARKER = join(tmpdir(), `skiff-escape-marker-${process.pid}-${Date.now()}`);
const outputs: CompileResult[] = [];

interface Expectation {
  code: string;
  message: RegExp;
  line?: number;
  typecheck?: boolean;
  limits?: { timeoutMs?: number; heapMb?: number };
}

const CASES: Record<string, Expectation> = {
  "syntax-error": { code: "build.syntax", message: /Expected/, line: 3 },
  "type-error": {
    code: "typecheck",
    message: /TS2322: Type 'string' is not assignable to type 'number'/,
    line: 3,
    typecheck: true,
  },
  "unknown-import": { code: "sandbox.import", message: /import "left-pad" is not available/, line: 2 },
  "process-env": { code: "pipeline.throw", message: /process is not defined/, line: 4 },
  "child-process": {
    code: "sandbox.import",
    message: /import "node:child_process" is not available/,
    line: 1,
  },
  fs: { code: "sandbox.import", message: /import "fs" is not available/, line: 1 },
  network: { code: "pipeline.throw", message: /fetch is not defined/, line: 4 },
  "network-import": { code: "sandbox.import", message: /import "node:http" is not available/, line: 1 },
  "infinite-loop": {
    code: "sandbox.timeout",
    message: /did not finish evaluating within 1500 ms/,
    limits: { timeoutMs: 1500 },
  },
  "huge-allocation": {
    code: "sandbox.memory",
    message: /exceeded the 128 MB memory limit/,
    limits: { heapMb: 128, timeoutMs: 20_000 },
  },
  "huge-buffer": {
    code: "sandbox.memory",
    message: /exceeded the 192 MB memory limit/,
    limits: { heapMb: 192, timeoutMs: 20_000 },
  },
  "top-level-throw": { code: "pipeline.throw", message: /^configuration missing$/, line: 4 },
  "missing-default": { code: "pipeline.default-export", message: /has no default export/ },
  "wrong-default": {
    code: "pipeline.default-export",
    message: /must be a Skiff Workflow.*got an object that is not a Skiff resource/,
  },
  cycle: { code: "dsl", message: /dependency cycle/, line: 5 },
  "duplicate-task": { code: "dsl", message: /duplicate.*"fetch"|"fetch".*duplicate/i, line: 6 },
  // No code from strings in a build's isolate (and nothing of the host there to reach).
  "escape-constructor": {
    code: "pipeline.throw",
    message: /^EvalError: code generation from strings is not available to pipelines$/,
    line: 4,
  },
  "escape-stack-frames": {
    code: "pipeline.throw",
    message: /^EvalError: code generation from strings is not available to pipelines$/,
  },
  "unknown-reference": { code: "reference.unknown", message: /DAG "main" has no task "missing"/, line: 5 },
  "leaves-upload": { code: "sandbox.import", message: /leaves the upload/, line: 2 },
  "item-field": {
    code: "dsl",
    message: /task "each" uses \{\{item\.os\}\}, but 1 of its 2 items has no field "os"/,
    line: 6,
  },
  // Items through the escape hatch escape the DSL's check; the linter's item.field rule still places it.
  "item-field-extra": {
    code: "item.field",
    message: /task "each" uses \{\{item\.os\}\}, but 2 of its 2 items/,
    line: 5,
  },
  "undefined-declaration": { code: "dsl", message: /template "later" is run but was never defined/, line: 3 },
};

beforeAll(() => {
  process.env.SKIFF_PLANTED_SECRET = SECRET;
});

afterAll(() => {
  delete process.env.SKIFF_PLANTED_SECRET;
});

function fixture(name: string): string {
  return readFileSync(join(fixtures, `${name}.ts`), "utf8").replaceAll("__MARKER__", MARKER);
}

describe("the bad-pipeline corpus", () => {
  it("covers every fixture file", async () => {
    const { readdirSync } = await import("node:fs");
    const names = readdirSync(fixtures).map((f) => f.replace(/\.ts$/, ""));
    expect(names.sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(Object.entries(CASES))("%s gets its specific diagnostic", async (name, expected) => {
    const result = await compilePipeline({
      entry: "pipeline.ts",
      files: memorySourceFiles({ "pipeline.ts": fixture(name) }),
      typecheck: expected.typecheck ?? false,
      limits: expected.limits,
    });
    outputs.push(result);
    expect(result.ok).toBe(false);
    const diagnostic = result.diagnostics.find((d) => d.code === expected.code);
    expect(diagnostic, JSON.stringify(result.diagnostics)).toBeDefined();
    expect(diagnostic?.message).toMatch(expected.message);
    if (expected.line !== undefined) {
      expect(diagnostic).toMatchObject({ file: "pipeline.ts", line: expected.line });
      expect(diagnostic?.column).toBeGreaterThan(0);
    }
  });

  it("lets nothing escape: no marker file, no planted secret in any output", () => {
    expect(outputs.length).toBe(Object.keys(CASES).length);
    expect(existsSync(MARKER)).toBe(false);
    expect(JSON.stringify(outputs)).not.toContain(SECRET);
  });
});

describe("what a pipeline can see", () => {
  it("sees no process, require, environment, timers or network, even through Function", async () => {
    const probe = `import { container, workflow } from "skiff";
const g = globalThis as any;
const seen = {
  process: typeof g.process,
  require: typeof g.require,
  viaFunction: (() => { try { return typeof Function("return this")().process; } catch (e) { return (e as Error).name; } })(),
  viaConstructor: (() => { try { return g.constructor.constructor("return typeof process")(); } catch (e) { return (e as Error).name; } })(),
  fetch: typeof g.fetch,
  setTimeout: typeof g.setTimeout,
  buffer: typeof g.Buffer,
  secret: String(g.process?.env?.SKIFF_PLANTED_SECRET),
};
export default workflow({
  generateName: "probe-",
  annotations: Object.fromEntries(Object.entries(seen).map(([k, v]) => ["probe/" + k.toLowerCase(), v])),
  entrypoint: container({ name: "main", image: "alpine:3.20" }),
});
`;
    const result = await compilePipeline({
      entry: "pipeline.ts",
      files: memorySourceFiles({ "pipeline.ts": probe }),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.spec?.metadata?.annotations).toEqual({
      "probe/process": "undefined",
      "probe/require": "undefined",
      "probe/viafunction": "EvalError",
      "probe/viaconstructor": "EvalError",
      "probe/fetch": "undefined",
      "probe/settimeout": "undefined",
      "probe/buffer": "undefined",
      "probe/secret": "undefined",
    });
    expect(result.yaml).not.toContain(SECRET);
  });
});

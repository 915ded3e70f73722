// The worker prepares each build's context ahead of time (DSL already evaluated): prove that a build still
// cannot influence another through it, whatever it does to its own realm.
import { afterEach, describe, expect, it } from "vitest";
import type { Workflow } from "../../../lib/argo";
import { compilePipeline, memorySourceFiles, Sandbox } from "../../../lib/build";

const HELLO = `import { container, dag, workflow } from "skiff";
const say = container({ name: "say", image: "alpine:3.20", command: ["echo", "hi"] });
const main = dag("main", (d) => {
  const a = d.task("a", say);
  d.task("b", say).after(a);
});
export default workflow({ generateName: "hello-", entrypoint: main });
`;

// Tampers with everything a build could reach in its realm: intrinsics, prototypes, the DSL's classes and
// functions, the global object.
const TAMPER = `import * as skiff from "skiff";
const g = globalThis as any;
g.leaked = "from an earlier build";
(Object.prototype as any).polluted = "yes";
Array.prototype.map = function () { return []; };
JSON.stringify = () => "{}";
(skiff.SkiffResource.prototype as any).toManifest = () => ({ kind: "Hijacked" });
(skiff.SkiffTemplate.prototype as any).render = () => ({ name: "hijacked" });
try { g.__skiffDsl.workflow = () => null; } catch {}
export default skiff.workflow({ generateName: "tamper-", entrypoint: skiff.container({ name: "x", image: "alpine" }) });
`;

const PROBE = `import { container, workflow } from "skiff";
const g = globalThis as any;
const seen = [typeof g.leaked, typeof ({} as any).polluted, String([1].map((n) => n + 1))].join(",");
export default workflow({ generateName: "probe-", entrypoint: container({ name: "seen", image: "alpine", args: [seen] }) });
`;

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());

const compile = (source: string) =>
  compilePipeline({ entry: "pipeline.ts", files: memorySourceFiles({ "pipeline.ts": source }), sandbox });

describe("sandbox isolation between builds", () => {
  it("gives every build a fresh realm and DSL, though the worker prepares them ahead", async () => {
    sandbox = new Sandbox();
    const clean = await compile(HELLO);
    expect(clean.diagnostics).toEqual([]);
    const pid = sandbox.pid;
    // Its own build shows the tampering took effect (its JSON.stringify now writes "{}").
    const tampered = await compile(TAMPER);
    expect(tampered.diagnostics.map((d) => d.code)).toEqual(["sandbox.output"]);
    const probe = await compile(PROBE);
    expect(probe.diagnostics).toEqual([]);
    const [template] = (probe.manifest as Workflow | undefined)?.spec.templates ?? [];
    expect(template?.container?.args).toEqual(["undefined,undefined,2"]);
    const again = await compile(HELLO);
    expect(again.yaml).toBe(clean.yaml);
    expect(JSON.stringify(again.manifest)).toBe(JSON.stringify(clean.manifest));
    expect(sandbox.pid).toBe(pid);
  });

  it("evaluates with the DSL it is given even when another one was preloaded", async () => {
    sandbox = new Sandbox();
    const dsl = (n: number) => ({ key: `test-dsl-${n}`, code: `globalThis.__skiffDsl = { n: ${n} };` });
    const bundle = `var __skiffBundle = { evaluate: function () { return String(__skiffDsl.n); } };`;
    sandbox.preload(dsl(1));
    expect(await sandbox.evaluate(bundle, "a.js", "{}", dsl(2))).toEqual({ ok: true, resultJson: "2" });
    expect(await sandbox.evaluate(bundle, "a.js", "{}", dsl(1))).toEqual({ ok: true, resultJson: "1" });
    expect(await sandbox.evaluate(bundle, "a.js", "{}", dsl(2))).toEqual({ ok: true, resultJson: "2" });
  });
});

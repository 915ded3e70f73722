// The worker lends one sealed realm of the DSL to every build (its code stays warm) and runs each pipeline in
// a fresh context of its own: prove that no build can influence another through either, whatever it does.
import { afterEach, describe, expect, it } from "vitest";
import type { Workflow } from "../../../lib/argo";
import { compilePipeline, memorySourceFiles, Sandbox } from "../../../lib/build";
import { bundlePipeline } from "../../../lib/build/bundle";

const HELLO = `import { container, dag, workflow } from "skiff";
const say = container({ name: "say", image: "alpine:3.20", command: ["echo", "hi"] });
const main = dag("main", (d) => {
  const a = d.task("a", say);
  d.task("b", say).after(a);
});
export default workflow({ generateName: "hello-", entrypoint: main });
`;

// A pipeline reaches the DSL's realm through the constructor of any DSL function: that realm's Function.
const IN_DSL_REALM = `const inDslRealm = (body: string) => (skiff.container as any).constructor(body)();`;

/** A pipeline whose one container's args are what `expressions` evaluate to, after `before` ran. */
const reporting = (before: string, expressions: string[]) => `import * as skiff from "skiff";
${IN_DSL_REALM}
${before}
const seen = [${expressions.join(", ")}].map(String);
export default skiff.workflow({ generateName: "seen-", entrypoint: skiff.container({ name: "seen", image: "alpine", args: seen }) });
`;

// What a build could have left behind: in its own context, and in the DSL's realm.
const PROBE = reporting("", [
  "typeof (globalThis as any).leaked",
  "typeof ({} as any).polluted",
  `inDslRealm("return typeof globalThis.leaked")`,
  `inDslRealm("return typeof ({}).polluted")`,
  `inDslRealm("return String(Array.prototype.map).includes('[native code]')")`,
  `inDslRealm("return typeof globalThis.mapCalls")`,
  `inDslRealm("return Error.stackTraceLimit")`,
  `inDslRealm("return typeof RegExp.$1 + typeof globalThis.WeakRef + typeof globalThis.FinalizationRegistry")`,
]);

// Tampers with both realms (still rendering a manifest, so that its own build shows the effect).
const TAMPER = reporting(
  `(globalThis as any).leaked = "own context";
(Object.prototype as any).polluted = "yes";
inDslRealm(\`
  globalThis.leaked = "dsl realm";
  Object.prototype.polluted = "yes";
  const map = Array.prototype.map;
  Array.prototype.map = function (...args) { globalThis.mapCalls = (globalThis.mapCalls || 0) + 1; return map.apply(this, args); };
  Error.stackTraceLimit = 3;
\`);`,
  [
    `inDslRealm("return globalThis.leaked")`,
    `inDslRealm("return ({}).polluted")`,
    `inDslRealm("return String(Array.prototype.map).includes('[native code]')")`,
  ],
);

let sandbox: Sandbox | undefined;
afterEach(() => {
  sandbox?.close();
  sandbox = undefined;
});

async function evaluate(source: string) {
  const bundled = await bundlePipeline({
    entry: "pipeline.ts",
    files: memorySourceFiles({ "pipeline.ts": source }),
  });
  if (!bundled.ok) throw new Error(JSON.stringify(bundled.diagnostics));
  sandbox ??= new Sandbox({ timeoutMs: 5000 });
  const outcome = await sandbox.evaluate(bundled.bundle.code, "pipeline.js", "{}", bundled.bundle.dsl);
  if (!outcome.ok) return { error: outcome.error.code, realmUses: undefined, args: undefined };
  const result = JSON.parse(outcome.resultJson) as { ok: boolean; manifest?: Workflow };
  const [template] = result.manifest?.spec.templates ?? [];
  return { realmUses: outcome.realmUses, args: template?.container?.args, result };
}

describe("sandbox isolation between builds", () => {
  it("lends clean builds one DSL realm, and replaces it after a build that changed it", async () => {
    // The worker's first build gets a realm of its own, not sealed, which is then dropped.
    expect((await evaluate(HELLO)).realmUses).toBe(1);
    const before = await evaluate(PROBE);
    expect(before.args).toEqual([
      "undefined",
      "undefined",
      "undefined",
      "undefined",
      "true",
      "undefined",
      expect.stringMatching(/^\d+$/),
      "undefinedundefinedundefined",
    ]);
    expect(before.realmUses).toBe(1);
    const hello = await evaluate(HELLO);
    expect(hello.realmUses).toBe(2);

    // The tampering build ran in the same realm, and its changes took effect there.
    const tampered = await evaluate(TAMPER);
    expect(tampered.realmUses).toBe(3);
    expect(tampered.args).toEqual(["dsl realm", "yes", "false"]);

    // The next build sees none of it: a new realm, and a new context.
    const after = await evaluate(PROBE);
    expect(after.realmUses).toBe(1);
    expect(after.args).toEqual(before.args);
    const again = await evaluate(HELLO);
    expect(again.realmUses).toBe(2);
    expect(again.result).toEqual(hello.result);
  });

  it.each([
    ["a new global", "globalThis.extra = 1;"],
    ["a global replaced", "globalThis.parseInt = () => 0;"],
    ["a global deleted", "delete globalThis.Intl;"],
    ["a property added to Object.prototype", "Object.prototype.image = 'evil';"],
    ["an element added to Array.prototype", "Array.prototype[0] = 'x';"],
    ["a method replaced", "String.prototype.trim = function () { return 'x'; };"],
    ["a getter replaced", "Object.defineProperty(Map.prototype, 'size', { get() { return 0; } });"],
    ["a static replaced", "JSON.stringify = () => '{}';"],
    [
      "a property made read-only",
      "Object.defineProperty(Math, 'max', { value: Math.max, writable: false });",
    ],
    ["an object made non-extensible", "Object.preventExtensions(Reflect);"],
    ["a prototype replaced", "Object.setPrototypeOf(Math, null);"],
    ["the stack trace hook set", "Error.prepareStackTrace = () => 'hooked';"],
  ])("replaces the realm after %s", async (_what, change) => {
    await evaluate(HELLO); // the first build's realm, not sealed
    expect((await evaluate(HELLO)).realmUses).toBe(1);
    const changed = await evaluate(reporting(`inDslRealm(${JSON.stringify(change)});`, []));
    expect(changed.realmUses).toBe(2);
    expect((await evaluate(HELLO)).realmUses).toBe(1);
  });

  it("refuses changes to the DSL's own objects, which stay shared", async () => {
    await evaluate(HELLO); // the first build's realm, not sealed
    await evaluate(HELLO);
    const attempts = reporting(
      `const resource = skiff.SkiffResource.prototype as any;
const { toManifest } = resource;
const { workflow } = skiff;
const attempt = (change: () => void) => { try { change(); } catch {} };
attempt(() => { resource.toManifest = () => ({ kind: "Hijacked" }); });
attempt(() => { Object.defineProperty(skiff, "workflow", { value: () => null }); });
attempt(() => { (skiff.inputs as any).extra = 1; });
attempt(() => { (skiff.container as any).extra = 1; });`,
      [
        "resource.toManifest === toManifest",
        "skiff.workflow === workflow",
        `"extra" in skiff.inputs`,
        `"extra" in skiff.container`,
        "Object.isFrozen(resource)",
        `inDslRealm("return typeof globalThis.__skiffBundle.seal")`,
      ],
    );
    const tried = await evaluate(attempts);
    expect(tried.args).toEqual(["true", "true", "false", "false", "true", "undefined"]);
    // Nothing shared changed: the realm is lent again.
    expect(tried.realmUses).toBe(2);
    const hello = await evaluate(HELLO);
    expect(hello.realmUses).toBe(3);
    expect(hello.result?.manifest?.kind).toBe("Workflow");
  });

  it("drops the realm when a build's evaluation is stopped in it", async () => {
    sandbox = new Sandbox({ timeoutMs: 1000 });
    await evaluate(HELLO); // the first build's realm, not sealed
    expect((await evaluate(HELLO)).realmUses).toBe(1);
    // Promise jobs of the DSL's realm that never end: they run after the harness returned, and the time
    // limit stops them; the realm may still hold some.
    const endless = reporting(
      `inDslRealm("const again = () => Promise.resolve().then(again); again();");`,
      [],
    );
    expect((await evaluate(endless)).error).toBe("sandbox.timeout");
    expect((await evaluate(HELLO)).realmUses).toBe(1);
  });

  it("keeps every pipeline's own context fresh through compilePipeline", async () => {
    sandbox = new Sandbox();
    const compile = (source: string) =>
      compilePipeline({ entry: "pipeline.ts", files: memorySourceFiles({ "pipeline.ts": source }), sandbox });
    const clean = await compile(HELLO);
    expect(clean.diagnostics).toEqual([]);
    const pid = sandbox.pid;
    await compile(TAMPER);
    const probe = await compile(PROBE);
    const [template] = (probe.manifest as Workflow | undefined)?.spec.templates ?? [];
    expect(template?.container?.args?.slice(0, 6)).toEqual([
      "undefined",
      "undefined",
      "undefined",
      "undefined",
      "true",
      "undefined",
    ]);
    const again = await compile(HELLO);
    expect(again.yaml).toBe(clean.yaml);
    expect(sandbox.pid).toBe(pid);
  });

  it("evaluates with the DSL it is given even when another one was preloaded", async () => {
    sandbox = new Sandbox();
    // Minimal DSL scripts with the harness contract the worker needs.
    const dsl = (n: number) => ({
      key: `test-dsl-${n}`,
      code: `let bound; const harness = { bind(p) { bound = p; }, intact: () => true, seal: () => harness,
        evaluateBound() { return "${n}:" + bound.entry; } }; globalThis.__skiffBundle = harness;`,
    });
    const bundle = `globalThis.__skiffPipeline = { entry: "a.ts" };`;
    sandbox.preload(dsl(1));
    expect(await sandbox.evaluate(bundle, "a.js", "{}", dsl(2))).toMatchObject({
      ok: true,
      resultJson: "2:a.ts",
    });
    expect(await sandbox.evaluate(bundle, "a.js", "{}", dsl(1))).toMatchObject({
      ok: true,
      resultJson: "1:a.ts",
    });
    // dsl(2)'s first realm served one build; the sealed one made after it serves the next ones.
    for (const uses of [1, 2]) {
      expect(await sandbox.evaluate(bundle, "a.js", "{}", dsl(2))).toMatchObject({
        ok: true,
        resultJson: "2:a.ts",
        realmUses: uses,
      });
    }
  });

  it("never lends the first build's realm, which is not sealed, even if that build seals it", async () => {
    const tamperAndSeal = TAMPER.replace(
      "export default",
      `inDslRealm("globalThis.__skiffBundle.seal();");\nexport default`,
    );
    const first = await evaluate(tamperAndSeal);
    expect(first.args).toEqual(["dsl realm", "yes", "false"]);
    const probe = await evaluate(PROBE);
    expect(probe.realmUses).toBe(1);
    expect(probe.args?.slice(2, 6)).toEqual(["undefined", "undefined", "true", "undefined"]);
  });

  it("reports a DSL script without a harness that can be sealed as the build's error", async () => {
    sandbox = new Sandbox();
    const outcome = await sandbox.evaluate("globalThis.__skiffPipeline = {};", "a.js", "{}", {
      key: "no-harness",
      code: "globalThis.__skiffDsl = {};",
    });
    expect(outcome).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining("defines no build harness that can be sealed") },
    });
  });
});

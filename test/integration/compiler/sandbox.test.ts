// The isolate sandbox on its own: raw bundles that assign `__skiffPipeline` as the bundler does, evaluated
// after the real isolate script (prelude, DSL, harness) that `npm run build` wrote.
import { describe, expect, it } from "vitest";
import { IsolateSandbox, type SandboxLimits } from "../../../lib/compiler";
import { bundleDsl } from "../../../lib/compiler/dsl-bundle";

/** A pipeline bundle whose module body is `body` (CommonJS, `require("skiff")` gives the DSL). */
const pipeline = (body: string) =>
  `globalThis.__skiffPipeline = { entry: "p.ts", load(module, exports, require) { ${body} } };`;

/** A pipeline whose one container's args are the strings `expressions` evaluate to, after `before`. */
const reporting = (before: string, ...expressions: string[]) =>
  pipeline(`const s = require("skiff");
${before}
const seen = [${expressions.join(", ")}].map(String);
module.exports = { default: s.workflow({ generateName: "x-", entrypoint: s.container({ name: "a", image: "alpine", args: seen }) }) };`);

async function evaluate(code: string, limits: SandboxLimits = {}, parametersJson = "{}") {
  const sandbox = new IsolateSandbox(limits);
  return sandbox.evaluate({ code, filename: "p.js", parametersJson, dsl: await bundleDsl() });
}

/** The args of the spec's one container. */
async function seen(code: string): Promise<string[]> {
  const outcome = await evaluate(code);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.error));
  return JSON.parse(outcome.resultJson).spec.spec.templates[0].container.args;
}

describe("IsolateSandbox", () => {
  it("evaluates a pipeline to its spec's JSON, with the build parameters", async () => {
    const outcome = await evaluate(
      pipeline(`const s = require("skiff");
module.exports = { default: (p) => s.workflow({ generateName: p.env + "-", entrypoint: s.container({ name: "a", image: "alpine" }) }) };`),
      {},
      JSON.stringify({ env: "prod" }),
    );
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect(JSON.parse(outcome.resultJson).spec.metadata.generateName).toBe("prod-");
  });

  it("gives user code nothing of Node: no process, module loader, timers, network or WebAssembly", async () => {
    const globals = ["process", "setTimeout", "setImmediate", "fetch", "XMLHttpRequest", "WebSocket"];
    const more = ["WebAssembly", "Buffer", "eval", "global", "__dirname", "SharedArrayBuffer"];
    const probes = [...globals, ...more].map((name) => `typeof ${name}`);
    expect(await seen(reporting("", ...probes))).toEqual(probes.map(() => "undefined"));
  });

  it("refuses code generation from strings through every Function constructor", async () => {
    const attempts = [
      `Function("return 1")`,
      `(function () {}).constructor("return 1")`,
      `(async function () {}).constructor("return 1")`,
      `(function* () {}).constructor("return 1")`,
      `(async function* () {}).constructor("return 1")`,
      `s.container.constructor("return 1")`,
    ];
    const tried = attempts.map(
      (a) => `(() => { try { ${a}; return "made"; } catch (e) { return e.name; } })()`,
    );
    expect(await seen(reporting("", ...tried))).toEqual(Array(attempts.length).fill("EvalError"));
    expect(await seen(reporting("", "(() => function () {})() instanceof Function"))).toEqual(["true"]);
  });

  it("rejects dynamic import(): an isolate has no module loader", async () => {
    const outcome = await evaluate(
      pipeline(`let r = "pending";
import("node:fs").then(() => { r = "imported"; }, (e) => { r = "rejected"; });
module.exports = { default: { apiVersion: "v1", kind: "Workflow", note: r } };`),
    );
    expect(outcome.ok).toBe(true);
  });

  it("shares nothing between builds: globals, intrinsics and the DSL's objects start fresh every time", async () => {
    const tamper = reporting(
      `globalThis.leaked = "yes";
Object.prototype.polluted = "yes";
const next = Object.getPrototypeOf([][Symbol.iterator]()).next;
Object.getPrototypeOf([][Symbol.iterator]()).next = function () { globalThis.iterated = true; return next.call(this); };
Array.prototype.push = function () { return 0; };
JSON.stringify = () => "{}";
s.container = () => { throw new Error("tampered"); };`,
      `"tampered"`,
    );
    // Its own build sees its own tampering (JSON.stringify is replaced, so the output is not a spec).
    expect(await evaluate(tamper)).toMatchObject({ ok: true, resultJson: "{}" });
    expect(
      await seen(
        reporting(
          "",
          "typeof globalThis.leaked",
          "typeof ({}).polluted",
          "String(Object.getPrototypeOf([][Symbol.iterator]()).next).includes('[native code]')",
          "String(Array.prototype.push).includes('[native code]')",
        ),
      ),
    ).toEqual(["undefined", "undefined", "true", "true"]);
  });

  it("gets ready before the code arrives: evaluates code given later, its time budget from its arrival", async () => {
    const sandbox = new IsolateSandbox({ timeoutMs: 300 });
    const dsl = await bundleDsl();
    const later = new Promise<string>((resolve) => setTimeout(() => resolve(reporting("", `"late"`)), 500));
    const outcome = await sandbox.evaluate({ code: later, filename: "p.js", parametersJson: "{}", dsl });
    expect(outcome.ok).toBe(true);
    if (outcome.ok) {
      expect(JSON.parse(outcome.resultJson).spec.spec.templates[0].container.args).toEqual(["late"]);
    }
    // No code after all (the bundle failed): the evaluation ends unused.
    const none = Promise.resolve(undefined);
    expect(await sandbox.evaluate({ code: none, filename: "p.js", parametersJson: "{}", dsl })).toMatchObject(
      { ok: false, error: { code: "sandbox.unused" } },
    );
  });

  it("stops a synchronous loop and an endless chain of microtasks at the time limit", async () => {
    expect(await evaluate(pipeline("for (;;) {}"), { timeoutMs: 300 })).toMatchObject({
      ok: false,
      error: { code: "sandbox.timeout", message: "the pipeline did not finish evaluating within 300 ms" },
    });
    const spin = pipeline(
      `const spin = () => Promise.resolve().then(spin); spin(); module.exports = { default: undefined };`,
    );
    expect(await evaluate(spin, { timeoutMs: 300 })).toMatchObject({
      ok: false,
      error: { code: "sandbox.timeout" },
    });
  });

  it("stops a pipeline at the memory limit, for its heap and for ArrayBuffers alike", async () => {
    const hog = pipeline("const a = []; for (;;) a.push(new Array(100000).fill(a.length));");
    expect(await evaluate(hog, { heapMb: 64 })).toMatchObject({
      ok: false,
      error: {
        code: "sandbox.memory",
        message: "the pipeline exceeded the 64 MB memory limit while evaluating",
      },
    });
    // An ArrayBuffer past the limit is refused where it is allocated; the harness reports it as such.
    const buffers = pipeline("const a = []; for (;;) a.push(new Uint8Array(16 * 1024 * 1024).fill(1));");
    const outcome = await evaluate(buffers, { heapMb: 64 });
    expect(outcome.ok && JSON.parse(outcome.resultJson)).toMatchObject({
      ok: false,
      error: { code: "sandbox.memory", message: /memory limit/ },
    });
  });

  it("refuses a spec larger than the output limit before copying it out", async () => {
    const big = pipeline(
      `module.exports = { default: { apiVersion: "argoproj.io/v1alpha1", kind: "Workflow", pad: "x".repeat(5000) } };`,
    );
    const outcome = await evaluate(big, { outputChars: 1000 });
    expect(outcome).toMatchObject({ ok: true });
    if (outcome.ok) {
      expect(JSON.parse(outcome.resultJson)).toMatchObject({ ok: false, error: { code: "sandbox.output" } });
      expect(outcome.resultJson.length).toBeLessThan(1000);
    }
  });

  it("keeps the harness: a pipeline cannot replace it to answer for the build", async () => {
    const outcome = await evaluate(
      pipeline(`try { globalThis.__skiffBundle = { evaluate: () => "forged" }; } catch {}
Object.defineProperty(globalThis, "__skiffBundle", { value: { evaluate: () => "forged" } });`),
    );
    expect(outcome.ok && JSON.parse(outcome.resultJson)).toMatchObject({
      ok: false,
      error: { code: "pipeline.throw", name: "TypeError" },
    });
  });
});

// The harness appended to the DSL script, in a context with the DSL, the pipeline handed over as the worker does.
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { bundleDsl } from "../../../lib/build/bundle";

describe("build harness", () => {
  it("evaluates a pipeline module to the manifest JSON, and refuses a missing default export", async () => {
    const dsl = await bundleDsl();
    const context = vm.createContext(Object.create(null));
    new vm.Script(dsl.code).runInContext(context);
    vm.runInContext(
      `globalThis.__skiffPipeline = { entry: "p.ts", load(module, exports, require) {
        const s = require("skiff");
        module.exports = { default: s.workflow({ generateName: "x-", entrypoint: s.container({ name: "a", image: "alpine" }) }) };
      } };`,
      context,
    );
    const result = JSON.parse(
      vm.runInContext(
        `__skiffBundle.bind(__skiffPipeline); __skiffBundle.evaluateBound("{}", false)`,
        context,
      ) as string,
    );
    expect(result).toMatchObject({ ok: true, manifest: { kind: "Workflow", spec: { entrypoint: "a" } } });
    vm.runInContext(
      `globalThis.__skiffPipeline = { entry: "p.ts", load(module) { module.exports = {}; } };`,
      context,
    );
    const missing = JSON.parse(
      vm.runInContext(
        `__skiffBundle.bind(__skiffPipeline); __skiffBundle.evaluateBound("{}", false)`,
        context,
      ) as string,
    );
    expect(missing).toMatchObject({ ok: false, error: { code: "pipeline.default-export" } });
    expect(missing.error.message).toContain("p.ts has no default export");
  });
});

// The harness in the isolate's script: what it answers for each shape of pipeline module.
import { describe, expect, it } from "vitest";
import { IsolateSandbox } from "../../../lib/compiler";
import { bundleDsl } from "../../../lib/compiler/dsl-bundle";

async function answer(body: string): Promise<unknown> {
  const code = `globalThis.__skiffPipeline = { entry: "p.ts", load(module, exports, require) { ${body} } };`;
  const outcome = await new IsolateSandbox().evaluate({
    code,
    filename: "p.js",
    parametersJson: JSON.stringify({ env: "dev" }),
    dsl: await bundleDsl(),
  });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.error));
  return JSON.parse(outcome.resultJson);
}

const WORKFLOW = `s.workflow({ generateName: "x-", entrypoint: s.container({ name: "a", image: "alpine" }) })`;

describe("build harness", () => {
  it("renders a default-exported workflow, or the one a default-exported function returns", async () => {
    expect(
      await answer(`const s = require("skiff"); module.exports = { default: ${WORKFLOW} };`),
    ).toMatchObject({
      ok: true,
      spec: { kind: "Workflow", spec: { entrypoint: "a" } },
    });
    const fromParameters = `const s = require("skiff");
module.exports = { default: (p) => s.workflow({ generateName: p.env + "-", entrypoint: s.container({ name: "a", image: "alpine" }) }) };`;
    expect(await answer(fromParameters)).toMatchObject({
      ok: true,
      spec: { metadata: { generateName: "dev-" } },
    });
  });

  it("passes a raw Argo spec through", async () => {
    expect(
      await answer(`module.exports = { default: { apiVersion: "argoproj.io/v1alpha1", kind: "Workflow" } };`),
    ).toEqual({
      ok: true,
      spec: { apiVersion: "argoproj.io/v1alpha1", kind: "Workflow" },
    });
  });

  it("names what is wrong with the default export", async () => {
    const missing = await answer("module.exports = {};");
    expect(missing).toMatchObject({ ok: false, error: { code: "pipeline.default-export" } });
    expect(JSON.stringify(missing)).toContain("p.ts has no default export");
    expect(await answer("module.exports = { default: () => Promise.resolve(1) };")).toMatchObject({
      ok: false,
      error: { code: "pipeline.default-export", message: /returned a Promise/ },
    });
    expect(await answer("module.exports = { default: [1, 2] };")).toMatchObject({
      ok: false,
      error: { code: "pipeline.default-export", message: /got an array/ },
    });
  });

  it("reports what user code throws, values that are not errors included", async () => {
    expect(await answer(`throw new TypeError("bad input");`)).toMatchObject({
      ok: false,
      error: { code: "pipeline.throw", name: "TypeError", message: "bad input" },
    });
    expect(await answer(`throw 42;`)).toMatchObject({
      ok: false,
      error: { code: "pipeline.throw", message: "threw a non-error value: 42" },
    });
    expect(await answer(`require("left-pad");`)).toMatchObject({
      ok: false,
      error: { message: 'import "left-pad" is not available to pipelines' },
    });
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CronWorkflow, Workflow } from "../../../lib/argo";
import { compilePipeline, lintSpec, memorySourceFiles, toYaml } from "../../../lib/compiler";
import { NOTIFIER_TEMPLATE } from "../../../lib/compiler/exit-notifier";
import { notifierSettings } from "../../../lib/config";
import { compileForEngine } from "../../../lib/pipelines/engine-compile";
import { parseYaml } from "../../support/yaml";

const hello = readFileSync(new URL("../../../examples/hello/pipeline.ts", import.meta.url), "utf8");
const request = { entry: "pipeline.ts", files: memorySourceFiles({ "pipeline.ts": hello }) };

describe("compileForEngine", () => {
  it("leaves specs alone on the local engine", async () => {
    const compile = compileForEngine(compilePipeline, toYaml, notifierSettings({ SKIFF_ENGINE: "local" }));
    const result = await compile(request);
    expect(result.ok).toBe(true);
    expect(result.yaml).not.toContain(NOTIFIER_TEMPLATE);
  });

  it("adds the exit notifier to every Workflow spec on the Argo engine, in the stored YAML too", async () => {
    const notifier = notifierSettings({ SKIFF_ENGINE: "argo", SKIFF_EVENT_BUS: "skiff-dev" });
    const result = await compileForEngine(compilePipeline, toYaml, notifier)(request);
    expect(result.ok).toBe(true);
    const stored = parseYaml(result.yaml ?? "") as Workflow;
    expect(stored).toEqual(result.spec);
    expect(stored.spec.onExit).toBe(NOTIFIER_TEMPLATE);
    expect(stored.spec.templates?.map((t) => t.name)).toContain(NOTIFIER_TEMPLATE);
    // The injected spec is still a valid Argo Workflow.
    expect(lintSpec(stored).filter((d) => d.severity === "error")).toEqual([]);
  });

  it("adds it to a CronWorkflow's workflowSpec, which its firings run", async () => {
    const notifier = notifierSettings({ SKIFF_ENGINE: "argo", SKIFF_EVENT_BUS: "skiff-dev" });
    const cron = readFileSync(new URL("../../../examples/cron/pipeline.ts", import.meta.url), "utf8");
    const files = memorySourceFiles({ "pipeline.ts": cron });
    const result = await compileForEngine(compilePipeline, toYaml, notifier)({ entry: "pipeline.ts", files });
    expect(result.ok).toBe(true);
    const stored = parseYaml(result.yaml ?? "") as CronWorkflow;
    expect(stored.kind).toBe("CronWorkflow");
    expect(stored.spec.schedules).toEqual(["30 2 * * *"]);
    expect(stored.spec.workflowSpec.onExit).toBe(NOTIFIER_TEMPLATE);
    expect(stored.spec.workflowSpec.templates?.map((t) => t.name)).toContain(NOTIFIER_TEMPLATE);
    expect(lintSpec(stored).filter((d) => d.severity === "error")).toEqual([]);
  });

  it("leaves out a spec that runs a WorkflowTemplate by workflowTemplateRef, which Argo refuses with templates of its own", async () => {
    const notifier = notifierSettings({ SKIFF_ENGINE: "argo", SKIFF_EVENT_BUS: "skiff-dev" });
    const files = memorySourceFiles({
      "pipeline.ts": `import { workflow } from "skiff";
export default workflow({ generateName: "whole-", workflowTemplateRef: "shared" });
`,
    });
    const result = await compileForEngine(compilePipeline, toYaml, notifier)({ entry: "pipeline.ts", files });
    expect(result.ok).toBe(true);
    const stored = parseYaml(result.yaml ?? "") as Workflow;
    expect(stored.spec.workflowTemplateRef).toEqual({ name: "shared" });
    expect(stored.spec.templates ?? []).toEqual([]);
    expect(stored.spec.onExit).toBeUndefined();
    expect(lintSpec(stored).filter((d) => d.severity === "error")).toEqual([]);
  });

  it("does not touch failed builds", async () => {
    const notifier = notifierSettings({ SKIFF_ENGINE: "argo", SKIFF_EVENT_BUS: "skiff-dev" });
    const broken = {
      entry: "pipeline.ts",
      files: memorySourceFiles({ "pipeline.ts": "export default 42;\n" }),
    };
    const result = await compileForEngine(compilePipeline, toYaml, notifier)(broken);
    expect(result.ok).toBe(false);
    expect(result.yaml).toBeUndefined();
  });
});

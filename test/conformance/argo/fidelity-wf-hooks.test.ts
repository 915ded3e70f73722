import { afterAll, describe, expect, it } from "vitest";
import { LocalEngine } from "../../../lib/engine/local";
import { nodeLines, nodeNamed, runInline } from "./run-inline";

// Argo's workflow/controller/hooks.go (executeWfLifeCycleHook) and operator.go (operate): on every reconciliation,
// once the entrypoint node exists, `workflow.status` is the workflow phase its node's phase maps to (Running while
// it runs, then Succeeded/Failed/Error) and each `spec.hooks.<name>` expression is evaluated over the workflow's
// variables; a hook that fires runs once as `<wf>.hooks.<name>` (nodeFlag hooked), a child of the entrypoint node,
// and the exit handler waits until every fired hook is fulfilled. exit_handler.go (resolveExitTmplArgument): a hook's
// arguments are substituted leaving unresolvable references as written (only absent optionals of skipped steps
// are dropped), so an exit hook that names a failed step's missing output runs with the text as written.

const engine = new LocalEngine({ concurrency: 8, cleanWorkDirs: true });
afterAll(() => engine.close());

const hooksOn = (main: string) => `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: wf-hooks-}
spec:
  entrypoint: main
  hooks:
    running: {expression: workflow.status == "Running", template: hook}
    succeeded: {expression: workflow.status == "Succeeded", template: hook}
    failed: {expression: workflow.status == "Failed", template: hook}
    exit: {template: hook}
  templates:
    - name: main
      steps:
        - - {name: step1, template: work}
    - name: work
      container: {image: alpine, command: [sh, -c, "${main}"]}
    - name: hook
      container: {image: alpine, command: [echo, "{{workflow.status}}"]}
`;

describe("workflow-level lifecycle hooks (hooks.go executeWfLifeCycleHook)", () => {
  it("fires `running` while the entrypoint runs and `succeeded` once it succeeded, before the exit handler", async () => {
    const wf = await runInline(engine, hooksOn("sleep 1"));
    expect(wf.status?.phase).toBe("Succeeded");
    expect(nodeLines(wf)).toEqual([
      "@.hooks.running|Pod|Succeeded|",
      "@.hooks.succeeded|Pod|Succeeded|",
      "@.onExit|Pod|Succeeded|",
      "@[0].step1|Pod|Succeeded|",
      "@[0]|StepGroup|Succeeded|",
      "@|Steps|Succeeded|",
    ]);
    const root = nodeNamed(wf, "");
    for (const hook of [".hooks.running", ".hooks.succeeded"]) {
      const node = nodeNamed(wf, hook);
      expect(node.nodeFlag).toEqual({ hooked: true });
      expect(root.children).toContain(node.id);
    }
    // The exit handler started once the hooks were done: it saw the final workflow.status.
    const succeeded = nodeNamed(wf, ".hooks.succeeded");
    expect(Date.parse(nodeNamed(wf, ".onExit").startedAt ?? "")).toBeGreaterThanOrEqual(
      Date.parse(succeeded.finishedAt ?? ""),
    );
  });

  it("fires `failed` (not `succeeded`) when the entrypoint failed; the workflow keeps its own failure", async () => {
    const wf = await runInline(engine, hooksOn("sleep 1; exit 1"));
    expect(wf.status?.phase).toBe("Failed");
    const step = nodeNamed(wf, "[0].step1");
    expect(wf.status?.message).toBe(`child '${step.id}' failed`);
    const stepId = step.id.replace(wf.metadata.name ?? "", "@");
    expect(nodeLines(wf)).toEqual([
      "@.hooks.failed|Pod|Succeeded|",
      "@.hooks.running|Pod|Succeeded|",
      "@.onExit|Pod|Succeeded|",
      "@[0].step1|Pod|Failed|main: Error (exit code 1)",
      `@[0]|StepGroup|Failed|child '${stepId}' failed`,
      `@|Steps|Failed|child '${stepId}' failed`,
    ]);
  });

  it("lists every failed node in workflow.failures, steps and step groups included (operator.go operate)", async () => {
    const wf = await runInline(
      engine,
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: failures-}
spec:
  entrypoint: main
  onExit: report
  templates:
    - name: main
      steps:
        - - {name: step1, template: work}
    - name: work
      container: {image: alpine, command: [sh, -c, "exit 3"]}
    - name: report
      container: {image: alpine, command: [echo, "{{workflow.failures}}"]}
`,
    );
    const lines: string[] = [];
    for await (const line of engine.logs({ namespace: "default", name: wf.metadata.name ?? "" }))
      lines.push(line.text);
    // Stored quoted (strconv.Quote): unquoted once, then JSON.
    const failures = JSON.parse(JSON.parse(lines[0] ?? '""')) as Array<Record<string, string>>;
    expect(failures.map((f) => `${f.displayName}|${f.templateName}|${f.phase}|${f.message}`).sort()).toEqual([
      "[0]||Failed|child '" + nodeNamed(wf, "[0].step1").id + "' failed",
      `${wf.metadata.name}|main|Failed|child '${nodeNamed(wf, "[0].step1").id}' failed`,
      "step1|work|Failed|main: Error (exit code 3)",
    ]);
  });

  it("runs a step's exit hook that names the failed step's missing output with the reference as written", async () => {
    const wf = await runInline(
      engine,
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: exit-hook-args-}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - name: produce
            template: produce
            hooks:
              exit:
                template: report
                arguments:
                  parameters:
                    - {name: value, value: "{{steps.produce.outputs.parameters.value}}"}
                    - {name: status, value: "{{steps.produce.status}}"}
    - name: produce
      container: {image: alpine, command: [sh, -c, "exit 1"]}
      outputs:
        parameters: [{name: value, valueFrom: {path: /tmp/value}}]
    - name: report
      inputs:
        parameters: [{name: value}, {name: status}]
      container: {image: alpine, command: [echo, "{{inputs.parameters.value}} {{inputs.parameters.status}}"]}
`,
    );
    expect(wf.status?.phase).toBe("Failed");
    const hook = nodeNamed(wf, "[0].produce.onExit");
    expect(hook.phase).toBe("Succeeded");
    expect(hook.inputs?.parameters).toEqual([
      { name: "value", value: "{{steps.produce.outputs.parameters.value}}" },
      { name: "status", value: "Failed" },
    ]);
  });
});

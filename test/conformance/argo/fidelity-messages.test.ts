import { afterAll, describe, expect, it } from "vitest";
import { LocalEngine } from "../../../lib/engine/local";
import { nodeLines, runInline } from "./run-inline";

// Argo's workflow/controller/operator.go checkParallelism: a DAG or steps template with `failFast: true` that has
// a failed or errored pod/steps/DAG child starts no further child and, once none of its pods runs, is marked
// Failed "template has failed or errored children and failFast enabled" (a steps template's leaf step group too);
// the workflow takes its entrypoint node's message. operator.go executeSuspend: a suspend node whose duration
// passed and whose supplied output has no default returns the error of util.go OverrideOutputParametersWithDefault;
// executeTemplate marks the node Error with it and returns it to the caller, which words it: steps.go
// executeStepGroup ("step group deemed errored due to child <node> error: …", the steps node then Failed with it),
// dag.go executeDAGTask ("task '<node>' errored: …") and operate ("error in entry template execution: …", workflow
// Error).

const engine = new LocalEngine({ concurrency: 8, cleanWorkDirs: true });
afterAll(() => engine.close());

const SUSPEND = `
    - name: approve
      suspend: {duration: "1"}
      outputs:
        parameters:
          - name: answer
            valueFrom: {supplied: {}}
    - name: echo
      container: {image: alpine, command: [echo, hi]}
`;
const NO_DEFAULT = "raw output parameter 'answer' has not been set and does not have a default value";

describe("workflow messages worded as Argo's controller words them", () => {
  it("DAG failFast: no task starts after a failure, the DAG and the workflow get Argo's failFast message", async () => {
    // Hera's DAG(fail_fast=True) sets both the template's and the dag's failFast.
    const wf = await runInline(
      engine,
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: dag-fail-fast-}
spec:
  entrypoint: main
  templates:
    - name: main
      failFast: true
      dag:
        failFast: true
        tasks:
          - {name: a, template: fail}
          - {name: b, template: slow}
          - {name: c, template: echo, dependencies: [b]}
    - name: fail
      container: {image: alpine, command: [sh, -c, "exit 1"]}
    - name: slow
      container: {image: alpine, command: [sleep, "1"]}
    - name: echo
      container: {image: alpine, command: [echo, hi]}
`,
    );
    const message = "template has failed or errored children and failFast enabled";
    expect(wf.status?.phase).toBe("Failed");
    expect(wf.status?.message).toBe(message);
    expect(nodeLines(wf)).toEqual([
      "@.a|Pod|Failed|main: Error (exit code 1)",
      "@.b|Pod|Succeeded|",
      `@|DAG|Failed|${message}`,
    ]);
  });

  it("steps failFast: the leaf step group and the steps node carry the failFast message", async () => {
    const wf = await runInline(
      engine,
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: steps-fail-fast-}
spec:
  entrypoint: main
  templates:
    - name: main
      failFast: true
      steps:
        - - {name: a, template: fail}
    - name: fail
      container: {image: alpine, command: [sh, -c, "exit 1"]}
`,
    );
    const message = "template has failed or errored children and failFast enabled";
    expect(wf.status?.message).toBe(message);
    expect(nodeLines(wf)).toEqual([
      "@[0].a|Pod|Failed|main: Error (exit code 1)",
      `@[0]|StepGroup|Failed|${message}`,
      `@|Steps|Failed|${message}`,
    ]);
  });

  it("a suspend node timing out without a value for its supplied output errs its step group", async () => {
    const wf = await runInline(
      engine,
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: suspend-steps-}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - {name: approve, template: approve}
        - - {name: after, template: echo}
${SUSPEND}`,
    );
    const message = `step group deemed errored due to child @[0].approve error: ${NO_DEFAULT}`;
    expect(wf.status?.phase).toBe("Failed");
    expect(wf.status?.message?.replaceAll(wf.metadata.name ?? "", "@")).toBe(message);
    expect(nodeLines(wf)).toEqual([
      `@[0].approve|Suspend|Error|${NO_DEFAULT}`,
      `@[0]|StepGroup|Error|${message}`,
      `@|Steps|Failed|${message}`,
    ]);
  });

  it("a suspend task timing out without a value errs as its task; the DAG errs without a message", async () => {
    const wf = await runInline(
      engine,
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: suspend-dag-}
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - {name: approve, template: approve}
          - {name: after, template: echo, dependencies: [approve]}
${SUSPEND}`,
    );
    expect(wf.status?.phase).toBe("Error");
    expect(wf.status?.message).toBeUndefined();
    expect(nodeLines(wf)).toEqual([
      "@.after|Skipped|Omitted|omitted: depends condition not met",
      `@.approve|Suspend|Error|task '@.approve' errored: ${NO_DEFAULT}`,
      "@|DAG|Error|",
    ]);
  });

  it("a suspend entrypoint timing out without a value ends the workflow Error as an entry template error", async () => {
    const wf = await runInline(
      engine,
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: suspend-entry-}
spec:
  entrypoint: approve
  templates:
${SUSPEND}`,
    );
    expect(wf.status?.phase).toBe("Error");
    expect(wf.status?.message).toBe(`error in entry template execution: ${NO_DEFAULT}`);
    expect(nodeLines(wf)).toEqual([`@|Suspend|Error|${NO_DEFAULT}`]);
  });
});

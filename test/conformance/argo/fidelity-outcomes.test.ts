import { afterAll, describe, expect, it } from "vitest";
import type { Workflow } from "../../../lib/argo";
import { LocalEngine } from "../../../lib/engine/local";
import { findNode, runInline } from "./run-inline";
import { waitFor } from "./support";

/**
 * Outcomes the local engine must word as Argo's controller does (workflow/controller in argo-workflows):
 * references to the outputs of skipped producers, stop and terminate with exit hooks, and a command that cannot
 * start. Small inline workflows; each case names the source it follows.
 */
const engine = new LocalEngine({ concurrency: 4, cleanWorkDirs: true });
afterAll(() => engine.close());

const ABSENT = "output is an absent optional (skipped/omitted node with no default)";

/** A producer skipped by its `when`, declaring an output parameter `p` and an output artifact `a`. */
const GEN = `
  - name: gen
    container: {image: alpine, command: [sh, -c, "echo 1 > /tmp/p"]}
    outputs: {parameters: [{name: p, valueFrom: {path: /tmp/p}}], artifacts: [{name: a, path: /tmp/p}]}
  - name: echo
    inputs: {parameters: [{name: m}]}
    container: {image: alpine, command: [echo, "{{inputs.parameters.m}}"]}
  - name: echo-default
    inputs: {parameters: [{name: m, value: fallback}]}
    container: {image: alpine, command: [test, "{{inputs.parameters.m}}", "=", fallback]}
  - name: cat
    inputs: {artifacts: [{name: in, path: /tmp/in}]}
    container: {image: alpine, command: [cat, /tmp/in]}
  - name: cat-optional
    inputs: {artifacts: [{name: in, path: /tmp/in, optional: true}]}
    container: {image: alpine, command: [sh, -c, "test ! -e /tmp/in"]}`;

describe("outputs of Skipped producers (scope.go addSkippedNodeOutputsToScope; util/template; common.ProcessArgs)", () => {
  it("passes a pure reference as unsupplied (the input's default applies) and lets ?? take over in expressions", async () => {
    const wf = await runInline(
      engine,
      `
metadata: {generateName: absent-defaults-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: gen, template: gen, when: "1 == 2"}
    - - {name: dflt, template: echo-default, arguments: {parameters: [{name: m, value: "{{steps.gen.outputs.parameters.p}}"}]}}
      - {name: coalesce, template: echo, arguments: {parameters: [{name: m, value: "{{=steps.gen.outputs.parameters.p ?? 'none'}}"}]}}
${GEN}
`,
    );
    expect(wf.status?.phase).toBe("Succeeded");
    expect(findNode(wf, "[0].gen")?.phase).toBe("Skipped");
    expect(findNode(wf, "[1].dflt")?.inputs?.parameters).toEqual([{ name: "m", value: "fallback" }]);
    expect(findNode(wf, "[1].coalesce")?.inputs?.parameters).toEqual([{ name: "m", value: "none" }]);
  });

  it("fails the consumer whose input has no default, and the group with it", async () => {
    const wf = await runInline(
      engine,
      `
metadata: {generateName: absent-no-default-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: gen, template: gen, when: "1 == 2"}
    - - {name: use, template: echo, arguments: {parameters: [{name: m, value: "{{steps.gen.outputs.parameters.p}}"}]}}
      - {name: later, template: echo, arguments: {parameters: [{name: m, value: x}]}}
${GEN}
`,
    );
    const cause = `inputs.parameters.m: argument references an absent optional (skipped/omitted node output with no default)`;
    const message = `step group deemed errored due to child ${wf.metadata.name}[1].use error: ${cause}`;
    expect(wf.status?.phase).toBe("Failed");
    expect(wf.status?.message).toBe(message);
    expect(findNode(wf, "[1].use")).toMatchObject({ type: "Skipped", phase: "Error", message: cause });
    expect(findNode(wf, "[1]")).toMatchObject({ type: "StepGroup", phase: "Error", message });
    expect(findNode(wf, "")).toMatchObject({ type: "Steps", phase: "Failed", message });
    // steps.go returns at the erroring step: the steps after it in its group are never created.
    expect(findNode(wf, "[1].later")).toBeUndefined();
  });

  it("fails the step group when any other reference (an embedded tag, a when) names the absent output", async () => {
    for (const step of [
      `{name: use, template: echo, arguments: {parameters: [{name: m, value: "x-{{steps.gen.outputs.parameters.p}}"}]}}`,
      `{name: use, template: echo, when: "{{steps.gen.outputs.parameters.p}} == 1", arguments: {parameters: [{name: m, value: x}]}}`,
    ]) {
      const wf = await runInline(
        engine,
        `
metadata: {generateName: absent-embedded-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: gen, template: gen, when: "1 == 2"}
    - - ${step}
${GEN}
`,
      );
      const message = `failed to resolve references: unable to substitute {{steps.gen.outputs.parameters.p}}: ${ABSENT}`;
      expect(wf.status?.phase).toBe("Failed");
      expect(findNode(wf, "[1]")).toMatchObject({ type: "StepGroup", phase: "Error", message });
      expect(findNode(wf, "[1]")?.children ?? []).toEqual([]);
      expect(findNode(wf, "")).toMatchObject({ phase: "Failed", message });
    }
  });

  it("in a DAG, errors the task that names it (in when or an artifact from) and skips an optional artifact", async () => {
    const wf = await runInline(
      engine,
      `
metadata: {generateName: absent-dag-}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: gen, template: gen, when: "1 == 2"}
      - {name: when-ref, depends: gen, template: echo, when: "{{tasks.gen.outputs.parameters.p}} == 1", arguments: {parameters: [{name: m, value: z}]}}
      - {name: art, depends: gen, template: cat, arguments: {artifacts: [{name: in, from: "{{tasks.gen.outputs.artifacts.a}}"}]}}
      - {name: art-optional, depends: gen, template: cat-optional, arguments: {artifacts: [{name: in, from: "{{tasks.gen.outputs.artifacts.a}}", optional: true}]}}
${GEN}
`,
    );
    expect(wf.status?.phase).toBe("Error");
    expect(findNode(wf, ".when-ref")).toMatchObject({
      type: "Skipped",
      phase: "Error",
      message: `unable to substitute {{tasks.gen.outputs.parameters.p}}: ${ABSENT}`,
    });
    expect(findNode(wf, ".art")).toMatchObject({
      type: "Skipped",
      phase: "Error",
      message: 'Unable to resolve: "tasks.gen.outputs.artifacts.a"',
    });
    expect(findNode(wf, ".art-optional")).toMatchObject({ type: "Pod", phase: "Succeeded" });
  });

  it("in a DAG, treats an Omitted producer alike and wraps the consumer's template error as the task's", async () => {
    const wf = await runInline(
      engine,
      `
metadata: {generateName: absent-omitted-}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: a, template: echo, arguments: {parameters: [{name: m, value: a}]}}
      - {name: gen, template: gen, depends: a.Failed}
      - {name: dflt, template: echo-default, depends: "a && gen.Omitted", arguments: {parameters: [{name: m, value: "{{tasks.gen.outputs.parameters.p}}"}]}}
      - {name: use, template: echo, depends: "a && gen.Omitted", arguments: {parameters: [{name: m, value: "{{tasks.gen.outputs.parameters.p}}"}]}}
${GEN}
`,
    );
    expect(wf.status?.phase).toBe("Error");
    expect(findNode(wf, ".gen")).toMatchObject({ type: "Skipped", phase: "Omitted" });
    expect(findNode(wf, ".dflt")).toMatchObject({ type: "Pod", phase: "Succeeded" });
    expect(findNode(wf, ".use")).toMatchObject({
      type: "Skipped",
      phase: "Error",
      message: `task '${wf.metadata.name}.use' errored: inputs.parameters.m: argument references an absent optional (skipped/omitted node output with no default)`,
    });
  });

  it("in steps, passes a skipped step's artifact without a location, and an unsupplied optional input artifact on", async () => {
    const wf = await runInline(
      engine,
      `
metadata: {generateName: absent-steps-artifacts-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: gen, template: gen, when: "1 == 2"}
    - - {name: pass, template: pass}
    - - {name: art, template: cat, arguments: {artifacts: [{name: in, from: "{{steps.gen.outputs.artifacts.a}}"}]}}
  - name: pass
    inputs: {artifacts: [{name: x, path: /tmp/x, optional: true}]}
    steps: [[{name: inner, template: cat-optional, arguments: {artifacts: [{name: in, from: "{{inputs.artifacts.x}}"}]}}]]
${GEN}
`,
    );
    const cause = "inputs.artifacts.in missing location information";
    expect(findNode(wf, "[1].pass[0].inner")).toMatchObject({ type: "Pod", phase: "Succeeded" });
    expect(findNode(wf, "[2].art")).toMatchObject({ type: "Skipped", phase: "Error", message: cause });
    expect(wf.status?.phase).toBe("Failed");
    expect(wf.status?.message).toBe(
      `step group deemed errored due to child ${wf.metadata.name}[2].art error: ${cause}`,
    );
  });
});

describe("a steps template's outputs from a Skipped step (operator.go getTemplateOutputsFromScope)", () => {
  it("takes the output's default or a ?? fallback, and errors the template without either", async () => {
    const wf = await runInline(
      engine,
      `
metadata: {generateName: absent-outputs-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: fallback, template: fallback}
    - - {name: bare, template: bare}
  - name: fallback
    steps: [[{name: gen, template: gen, when: "1 == 2"}]]
    outputs:
      parameters:
      - {name: d, valueFrom: {parameter: "{{steps.gen.outputs.parameters.p}}", default: dd}}
      - {name: e, valueFrom: {expression: "steps.gen.outputs.parameters.p ?? 'ee'"}}
  - name: bare
    steps: [[{name: gen, template: gen, when: "1 == 2"}]]
    outputs: {parameters: [{name: x, valueFrom: {parameter: "{{steps.gen.outputs.parameters.p}}"}}]}
${GEN}
`,
    );
    expect(findNode(wf, "[0].fallback")?.phase).toBe("Succeeded");
    expect(findNode(wf, "[0].fallback")?.outputs?.parameters?.map((p) => [p.name, p.value])).toEqual([
      ["d", "dd"],
      ["e", "ee"],
    ]);
    expect(findNode(wf, "[1].bare")).toMatchObject({
      type: "Steps",
      phase: "Error",
      message: `output parameter "x": "{{steps.gen.outputs.parameters.p}}" is an absent optional (skipped/omitted node output with no default)`,
    });
    expect(wf.status?.phase).toBe("Failed");
  });
});

describe("stop and terminate (ShutdownStrategy.ShouldExecute; exit_handler.go runOnExitNode; operator.go)", () => {
  const HOOKED = `
metadata: {generateName: shutdown-}
spec:
  entrypoint: main
  onExit: bye
  templates:
  - name: main
    steps:
    - - {name: a, template: sleep, hooks: {exit: {template: bye}}}
      - {name: b, template: sleep, onExit: bye}
  - name: sleep
    container: {image: alpine, command: [sleep, "30"]}
  - name: bye
    container: {image: alpine, command: [echo, bye]}
`;
  const running = (wf: Workflow) =>
    Object.values(wf.status?.nodes ?? {}).filter((n) => n.type === "Pod" && n.phase === "Running").length ===
    2
      ? true
      : undefined;

  it("Terminate runs no exit handler, neither the workflow's nor a step's", async () => {
    const wf = await runInline(engine, HOOKED, "fidelity-shutdown", async (ref) => {
      if (await waitFor(engine, ref, running)) await engine.terminate(ref);
    });
    expect(wf.status?.phase).toBe("Failed");
    expect(wf.status?.message).toBe("Stopped with strategy 'Terminate'");
    expect(Object.values(wf.status?.nodes ?? {}).filter((n) => n.name.endsWith(".onExit"))).toEqual([]);
  });

  it("Stop runs them all", async () => {
    const wf = await runInline(engine, HOOKED, "fidelity-shutdown", async (ref) => {
      if (await waitFor(engine, ref, running)) await engine.stop(ref);
    });
    expect(wf.status?.phase).toBe("Failed");
    expect(wf.status?.message).toBe("Stopped with strategy 'Stop'");
    for (const suffix of [".onExit", "[0].a.onExit", "[0].b.onExit"]) {
      expect(findNode(wf, suffix)).toMatchObject({ type: "Pod", phase: "Succeeded" });
    }
  });
});

describe("what a shutdown leaves (workflowpod.go markNodeFailedOnShutdown; operator.go processNodeRetries)", () => {
  it("fails pods it keeps from starting, and Retry nodes, with Argo's words", async () => {
    const wf = await runInline(
      engine,
      `
metadata: {generateName: shutdown-words-}
spec:
  entrypoint: main
  templates:
  - name: main
    parallelism: 1
    steps:
    - - {name: loop, template: sleep, withItems: [1, 2]}
      - {name: retried, template: retried}
  - name: sleep
    container: {image: alpine, command: [sleep, "30"]}
  - name: retried
    retryStrategy: {limit: 3}
    container: {image: alpine, command: [sleep, "30"]}
`,
      "fidelity-shutdown",
      async (ref) => {
        if (
          await waitFor(engine, ref, (w) =>
            findNode(w, "[0].loop(0:1)")?.phase === "Running" ? true : undefined,
          )
        )
          await engine.stop(ref);
      },
    );
    expect(wf.status?.message).toBe("Stopped with strategy 'Stop'");
    expect(findNode(wf, "[0].loop(0:1)")).toMatchObject({
      phase: "Failed",
      message: "workflow shutdown with strategy:  Stop",
    });
    expect(findNode(wf, "[0].loop(1:2)")).toMatchObject({
      type: "Pod",
      phase: "Failed",
      message: "workflow shutdown with strategy: Stop",
    });
    expect(findNode(wf, "[0].retried")).toMatchObject({
      type: "Retry",
      phase: "Failed",
      message: "Stopped with strategy 'Stop'",
    });
    expect(findNode(wf, "[0].retried(0)")).toMatchObject({
      type: "Pod",
      phase: "Failed",
      message: "workflow shutdown with strategy: Stop",
    });
  });
});

describe("a command that cannot start (cmd/argoexec emissary: exec.LookPath; operator.go inferFailedReason)", () => {
  it("ends Failed with the executor's error and exit code 64, so OnFailure retries it and OnError does not", async () => {
    const wf = await runInline(
      engine,
      `
metadata: {generateName: no-command-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: on-failure, template: on-failure}
      - {name: on-error, template: on-error}
      - {name: path, template: path}
  - name: on-failure
    retryStrategy: {limit: 1, retryPolicy: OnFailure}
    container: {image: alpine, command: [no-such-command, x]}
  - name: on-error
    retryStrategy: {limit: 1, retryPolicy: OnError}
    container: {image: alpine, command: [no-such-command, x]}
  - name: path
    container: {image: alpine, command: [/no/such/command]}
`,
    );
    const notFound =
      'main: Error (exit code 64): failed to find name in PATH: exec: "no-such-command": executable file not found in $PATH';
    expect(wf.status?.phase).toBe("Failed");
    expect(findNode(wf, "[0].on-failure")).toMatchObject({
      type: "Retry",
      phase: "Failed",
      message: "No more retries left",
    });
    expect(findNode(wf, "[0].on-failure")?.children).toHaveLength(2);
    expect(findNode(wf, "[0].on-failure(0)")).toMatchObject({ phase: "Failed", message: notFound });
    expect(findNode(wf, "[0].on-failure(0)")?.outputs?.exitCode).toBe("64");
    expect(findNode(wf, "[0].on-error")).toMatchObject({ type: "Retry", phase: "Failed", message: notFound });
    expect(findNode(wf, "[0].on-error")?.children).toHaveLength(1);
    expect(findNode(wf, "[0].path")).toMatchObject({
      type: "Pod",
      phase: "Failed",
      message:
        'main: Error (exit code 64): failed to find name in PATH: exec: "/no/such/command": stat /no/such/command: no such file or directory',
    });
  });
});

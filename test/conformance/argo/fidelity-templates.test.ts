import { afterAll, describe, expect, it } from "vitest";
import { LocalEngine } from "../../../lib/engine/local";
import { findNode, runInline } from "./run-inline";

/**
 * How the local engine reads a template before running it, against Argo's controller (workflow/controller in
 * argo-workflows): the workflow's retryStrategy, templateDefaults, numeric fields that hold tags, scripts without
 * source, and `{{= }}` in input values. Small inline workflows; each case names the source it follows.
 */
const engine = new LocalEngine({ concurrency: 4, cleanWorkDirs: true });
afterAll(() => engine.close());

const FAIL = `{image: alpine, command: [sh, -c, "exit 1"]}`;

describe("workflow-level spec.retryStrategy (operator.go: retryStrategy() falls back to spec.retryStrategy)", () => {
  it("wraps the entrypoint in a Retry node whose attempts are its children", async () => {
    const wf = await runInline(
      engine,
      `
metadata: {generateName: wf-retry-}
spec:
  entrypoint: main
  retryStrategy: {limit: 2}
  templates:
  - name: main
    container: ${FAIL}
`,
    );
    expect(wf.status?.phase).toBe("Failed");
    expect(wf.status?.message).toBe("No more retries left");
    const root = findNode(wf, "");
    expect(root?.type).toBe("Retry");
    expect(root?.message).toBe("No more retries left");
    expect(root?.children?.map((id) => wf.status?.nodes?.[id]?.name)).toEqual(
      ["(0)", "(1)", "(2)"].map((s) => `${wf.metadata.name}${s}`),
    );
    for (const s of ["(0)", "(1)", "(2)"]) {
      expect(findNode(wf, s)).toMatchObject({
        type: "Pod",
        phase: "Failed",
        message: "main: Error (exit code 1)",
      });
    }
  });

  it("applies to every template without its own, steps included; a template's own strategy wins", async () => {
    const wf = await runInline(
      engine,
      `
metadata: {generateName: wf-retry-steps-}
spec:
  entrypoint: main
  retryStrategy: {limit: 1}
  templates:
  - name: main
    steps: [[{name: a, template: fail}]]
  - name: fail
    retryStrategy: {limit: 0}
    container: ${FAIL}
`,
    );
    expect(wf.status?.phase).toBe("Failed");
    expect(findNode(wf, "")).toMatchObject({
      type: "Retry",
      phase: "Failed",
      message: "No more retries left",
    });
    expect(findNode(wf, "(0)")?.type).toBe("Steps");
    expect(findNode(wf, "(1)")?.type).toBe("Steps");
    expect(findNode(wf, "(2)")).toBeUndefined();
    // The step's own limit 0: one attempt under each run of the steps.
    expect(findNode(wf, "(0)[0].a")).toMatchObject({ type: "Retry", message: "No more retries left" });
    expect(findNode(wf, "(0)[0].a(0)")).toMatchObject({ type: "Pod", phase: "Failed" });
    expect(findNode(wf, "(0)[0].a(1)")).toBeUndefined();
  });
});

describe("spec.templateDefaults (operator.go: mergedTemplateDefaultsInto, a strategic merge)", () => {
  it("merges fields, lists by their merge key, and the container defaults only into container templates", async () => {
    const wf = await runInline(
      engine,
      `
metadata: {generateName: template-defaults-}
spec:
  entrypoint: main
  templateDefaults:
    retryStrategy: {limit: 1}
    inputs: {parameters: [{name: who, value: world}]}
    container:
      image: alpine
      command: [sh, -c]
      env: [{name: A, value: from-defaults}, {name: B, value: b-default}]
  templates:
  - name: main
    steps: [[{name: a, template: a}, {name: b, template: b}]]
  - name: a
    container:
      args: ['test "$A/$B/{{inputs.parameters.who}}" = from-defaults/b-own/world']
      env: [{name: B, value: b-own}]
  - name: b
    script: {image: alpine, command: [sh], source: 'test -z "$A"'}
`,
    );
    expect(wf.status?.phase).toBe("Succeeded");
    // retryStrategy from the defaults: every template is a Retry node.
    expect(findNode(wf, "")?.type).toBe("Retry");
    expect(findNode(wf, "(0)[0].a")).toMatchObject({ type: "Retry", phase: "Succeeded" });
    expect(findNode(wf, "(0)[0].a(0)")).toMatchObject({ type: "Pod", phase: "Succeeded" });
    expect(findNode(wf, "(0)[0].a(0)")?.inputs?.parameters).toEqual([{ name: "who", value: "world" }]);
    expect(findNode(wf, "(0)[0].b(0)")).toMatchObject({ type: "Pod", phase: "Succeeded" });
  });
});

describe("numeric and IntOrString fields (anystring.go; util/intstr; operator.go processNodeRetries)", () => {
  it("takes a YAML number as a parameter value and a templated retryStrategy.limit", async () => {
    const wf = await runInline(
      engine,
      `
metadata: {generateName: templated-limit-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: plain, template: fail, arguments: {parameters: [{name: limit, value: 1}]}}
      - {name: expr, template: fail-expr, arguments: {parameters: [{name: limit, value: 1}]}}
  - name: fail
    inputs: {parameters: [{name: limit}]}
    retryStrategy: {limit: "{{inputs.parameters.limit}}"}
    container: ${FAIL}
  - name: fail-expr
    inputs: {parameters: [{name: limit}]}
    retryStrategy: {limit: "{{=asInt(inputs.parameters.limit) + 1}}"}
    container: ${FAIL}
`,
    );
    expect(wf.status?.phase).toBe("Failed");
    expect(findNode(wf, "[0].plain")).toMatchObject({ type: "Retry", message: "No more retries left" });
    expect(findNode(wf, "[0].plain")?.children).toHaveLength(2);
    expect(findNode(wf, "[0].plain")?.inputs?.parameters).toEqual([{ name: "limit", value: "1" }]);
    expect(findNode(wf, "[0].expr")?.children).toHaveLength(3);
  });

  it("refuses a number where Kubernetes declares a string (container args), naming the field", async () => {
    await expect(
      runInline(
        engine,
        `
metadata: {generateName: numeric-args-}
spec:
  entrypoint: main
  templates:
  - name: main
    container: {image: alpine, command: [sleep], args: [1]}
`,
      ),
    ).rejects.toThrow("invalid spec: template main: container.args[0] is 1, not a string");
  });

  it("errors the Retry node when the limit does not resolve to an int", async () => {
    const wf = await runInline(
      engine,
      `
metadata: {generateName: bad-limit-}
spec:
  entrypoint: main
  arguments: {parameters: [{name: limit, value: many}]}
  templates:
  - name: main
    inputs: {parameters: [{name: limit}]}
    retryStrategy: {limit: "{{inputs.parameters.limit}}"}
    container: ${FAIL}
`,
    );
    expect(wf.status?.phase).toBe("Error");
    expect(wf.status?.message).toBe(
      "error in entry template execution: value 'many' cannot be resolved to an int",
    );
    expect(findNode(wf, "")).toMatchObject({
      type: "Retry",
      phase: "Error",
      message: "value 'many' cannot be resolved to an int",
    });
    expect(findNode(wf, "")?.children).toHaveLength(1);
  });

  it("runs a script template without source as a container: nothing appended, the image's entrypoint without command", async () => {
    const wf = await runInline(
      engine,
      `
metadata: {generateName: script-no-source-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: sh, template: sh}
      - {name: entrypoint, template: entrypoint}
    - - {name: check, template: check, arguments: {parameters: [{name: out, value: "{{steps.entrypoint.outputs.result}}"}]}}
  - name: sh
    script: {image: alpine, command: [sh, -c], args: ['test "$0" = sh']}
  - name: entrypoint
    script: {image: argoproj/argosay:v2, args: [echo, "[]"]}
  - name: check
    inputs: {parameters: [{name: out}]}
    container: {image: alpine, command: [test, "{{inputs.parameters.out}}", "=", "[]"]}
`,
    );
    expect(wf.status?.phase).toBe("Succeeded");
    expect(findNode(wf, "[0].sh")).toMatchObject({ type: "Pod", phase: "Succeeded" });
    expect(findNode(wf, "[0].entrypoint")?.outputs?.result).toBe("[]");
  });
});

describe("{{= }} in input parameter values (common.ProcessArgs → SubstituteParams)", () => {
  it("evaluates values, defaults and arguments, and shows the node's inputs resolved", async () => {
    const wf = await runInline(
      engine,
      `
metadata: {generateName: input-expr-}
spec:
  entrypoint: main
  arguments: {parameters: [{name: n, value: "3"}]}
  templates:
  - name: main
    inputs:
      parameters:
      - {name: a, value: "{{= 1 + 2 }}"}
      - {name: b, default: "{{=sprig.upper('x')}}"}
      - {name: c, value: "{{=asInt(workflow.parameters.n) * 2}}"}
    steps:
    - - name: s
        template: check
        arguments: {parameters: [{name: m, value: "{{=inputs.parameters.a + '-' + inputs.parameters.b + '-' + inputs.parameters.c}}"}]}
  - name: check
    inputs: {parameters: [{name: m}, {name: d, default: "{{= 'dflt-' + inputs.parameters.m }}"}]}
    container: {image: alpine, command: [test, "{{inputs.parameters.m}}", "=", "3-X-6"]}
`,
    );
    expect(wf.status?.phase).toBe("Succeeded");
    expect(findNode(wf, "")?.inputs?.parameters?.map((p) => p.value)).toEqual(["3", "X", "6"]);
    expect(findNode(wf, "[0].s")?.inputs?.parameters?.map((p) => p.value)).toEqual(["3-X-6", "dflt-3-X-6"]);
  });

  it("gives a steps template's children the inputs as resolved, one input's expression naming another", async () => {
    const wf = await runInline(
      engine,
      `
metadata: {generateName: input-expr-chain-}
spec:
  entrypoint: main
  templates:
  - name: main
    inputs:
      parameters:
      - {name: n, value: "2"}
      - {name: doubled, value: "{{= asInt(inputs.parameters.n) * 2 }}"}
    steps:
    - - {name: run, template: echo, when: "{{inputs.parameters.doubled}} == 4", arguments: {parameters: [{name: m, value: "{{= asInt(inputs.parameters.doubled) + 1 }}"}]}}
      - {name: skip, template: echo, when: "{{inputs.parameters.doubled}} != 4", arguments: {parameters: [{name: m, value: x}]}}
  - name: echo
    inputs: {parameters: [{name: m}]}
    container: {image: alpine, command: [echo, "{{inputs.parameters.m}}"]}
`,
    );
    expect(wf.status?.phase).toBe("Succeeded");
    expect(findNode(wf, "")?.inputs?.parameters?.map((p) => p.value)).toEqual(["2", "4"]);
    expect(findNode(wf, "[0].run")?.inputs?.parameters).toEqual([{ name: "m", value: "5" }]);
    expect(findNode(wf, "[0].skip")?.phase).toBe("Skipped");
  });
});

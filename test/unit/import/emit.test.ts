import { describe, expect, it } from "vitest";
import { compilePipeline, memorySourceFiles } from "../../../lib/compiler";
import { importSource } from "../../../lib/import";
import { normalise } from "../../conformance/import/normalise";
import { parseYaml } from "../../support/yaml";

async function build(source: string): Promise<unknown> {
  const result = await compilePipeline({
    entry: "pipeline.ts",
    files: memorySourceFiles({ "pipeline.ts": source }),
  });
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return JSON.parse(JSON.stringify(result.spec));
}

const DAG = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: dag-}
spec:
  entrypoint: main
  arguments: {parameters: [{name: rows, value: "5"}]}
  templates:
  - name: main
    inputs: {parameters: [{name: who, default: world}]}
    dag:
      tasks:
      - name: report
        template: echo
        depends: "gen.Failed || consume"
        arguments: {parameters: [{name: message, value: "done"}]}
      - name: consume
        template: echo
        when: "{{tasks.gen.outputs.result}} == heads"
        arguments: {parameters: [{name: message, value: "got {{tasks.gen.outputs.parameters.n}} for {{inputs.parameters.who}}"}]}
        depends: gen
      - name: gen
        template: gen
        arguments: {parameters: [{name: rows, value: "{{workflow.parameters.rows}}"}]}
  - name: gen
    inputs: {parameters: [{name: rows}]}
    outputs: {parameters: [{name: n, valueFrom: {path: /tmp/n}}]}
    script: {image: python:3.12, command: [python], source: "print('heads')\\n"}
  - name: echo
    inputs: {parameters: [{name: message}]}
    container: {image: alpine, command: [echo, "{{inputs.parameters.message}}"]}
`;

describe("importSource", () => {
  it("writes a DAG with builders, typed references and depends helpers, templates before their users", async () => {
    const source = importSource(DAG, "dag.yaml");
    expect(source).toMatch(
      /^import \{ container, dag, eq, or, param, python, workflow, workflowArguments \} from "skiff";/,
    );
    expect(source).toContain('const args = workflowArguments({ rows: "5" });');
    expect(source.indexOf("const gen = python(")).toBeLessThan(source.indexOf("const main = dag("));
    expect(source.indexOf("const echo = container(")).toBeLessThan(source.indexOf("const main = dag("));
    // Tasks come in dependency order so that each reference names a variable already declared.
    expect(source).toContain('const genTask = d.task("gen", gen, { args: { rows: args.refs.rows } });');
    expect(source).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: generated code, compared as text
      'const consume = d.task("consume", echo, { args: { message: `got ${genTask.outputs.n} for ${d.inputs.who}` }, when: eq(genTask.result, "heads") });',
    );
    expect(source).toContain(
      'd.task("report", echo, { args: { message: "done" }, depends: or(genTask.failed, consume) });',
    );
    expect(normalise(await build(source))).toEqual(normalise(parseYaml(DAG)));
  });

  it("writes parallel steps, destructuring the ones later steps refer to", async () => {
    const yaml = `kind: Workflow
apiVersion: argoproj.io/v1alpha1
metadata: {name: s}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: a, template: say}
      - {name: b, template: say}
    - - {name: c, template: say, when: "{{steps.a.status}} == Succeeded"}
  - name: say
    container: {image: alpine, command: [echo, hi]}
`;
    const source = importSource(yaml, "s.yaml");
    expect(source).toContain(
      'const { a } = s.parallel((p) => ({ a: p.step("a", say), _1: p.step("b", say) }));',
    );
    expect(source).toContain('s.step("c", say, { when: eq(a.status, "Succeeded") });');
    expect(normalise(await build(source))).toEqual(normalise(parseYaml(yaml)));
  });

  it("writes a template that runs itself with s.self, and templates that run each other with declare", async () => {
    const yaml = `kind: Workflow
apiVersion: argoproj.io/v1alpha1
metadata: {generateName: r-}
spec:
  entrypoint: loop
  templates:
  - name: loop
    steps:
    - - {name: again, template: loop, when: "1 == 2"}
    - - {name: other, template: ping}
  - name: ping
    inputs: {parameters: [{name: n, default: "1"}]}
    dag:
      tasks:
      - {name: pong, template: pong}
  - name: pong
    dag:
      tasks:
      - {name: ping, template: ping, when: "1 == 2"}
`;
    const source = importSource(yaml, "r.yaml");
    expect(source).toContain('s.step("again", s.self, { when: "1 == 2" });');
    expect(source).toContain('const ping = declare({ name: "ping", inputs: { n: param("1") } });');
    expect(source).toContain('const pong = declare({ name: "pong" });');
    expect(source).toMatch(/\ndag\(ping, \(d\) => \{\n\s*d\.task\("pong", pong\);/);
    expect(source).not.toContain("rawTemplate");
    expect(normalise(await build(source))).toEqual(normalise(parseYaml(yaml)));
  });

  it("makes hooks from their own step when they use its outputs, and writes the outputs aggregate", async () => {
    const yaml = `kind: Workflow
apiVersion: argoproj.io/v1alpha1
metadata: {generateName: h-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: make
        template: make
        withItems: [1, 2]
        hooks:
          exit: {template: show, arguments: {parameters: [{name: text, value: "{{steps.make.outputs.parameters.n}}"}]}}
    - - {name: all, template: show, arguments: {parameters: [{name: text, value: "{{steps.make.outputs.parameters}}"}]}}
  - name: make
    outputs: {parameters: [{name: n, valueFrom: {path: /tmp/n}}]}
    container: {image: alpine, command: [sh, -c, "echo 1 > /tmp/n"]}
  - name: show
    inputs: {parameters: [{name: text}]}
    container: {image: alpine, command: [echo, "{{inputs.parameters.text}}"]}
`;
    const source = importSource(yaml, "h.yaml");
    expect(source).toContain(
      "hooks: (self) => ({ exit: { template: show, args: { text: self.outputs.n } } })",
    );
    expect(source).toContain('s.step("all", show, { args: { text: makeStep.outputParameters } });');
    expect(normalise(await build(source))).toEqual(normalise(parseYaml(yaml)));
  });

  it("writes expressions with ex(...) when the builder writes the same text back, and leaves the others as text", async () => {
    const yaml = `kind: Workflow
apiVersion: argoproj.io/v1alpha1
metadata: {generateName: e-}
spec:
  entrypoint: main
  templates:
  - name: main
    outputs:
      parameters:
      - name: picked
        valueFrom: {expression: "tasks['flip-coin'].outputs.result == 'heads' ? tasks.a.outputs.result : 'none'"}
      - name: spaced
        valueFrom: {expression: 'tasks.a.outputs.result == "x"'}
    dag:
      tasks:
      - {name: flip-coin, template: say}
      - name: a
        template: echo
        depends: flip-coin
        arguments: {parameters: [{name: n, value: "{{=asInt(tasks['flip-coin'].outputs.result) * 10}}"}]}
  - name: say
    container: {image: alpine, command: [echo, heads]}
  - name: echo
    inputs: {parameters: [{name: n}]}
    container: {image: alpine, command: [echo, "{{inputs.parameters.n}}"]}
`;
    const source = importSource(yaml, "e.yaml");
    expect(source).toContain('expression: ex(flipCoin.result).eq("heads").check(a.result, "none")');
    // expr-lang's double quotes would come back single-quoted: kept as written.
    expect(source).toContain('expression: "tasks.a.outputs.result == \\"x\\""');
    expect(source).toContain("args: { n: ex(flipCoin.result).asInt().times(10) }");
    expect(normalise(await build(source))).toEqual(normalise(parseYaml(yaml)));
  });

  it("writes a Python script that starts with Hera's input preamble as pythonScript with only its body", async () => {
    const yaml = `kind: Workflow
apiVersion: argoproj.io/v1alpha1
metadata: {generateName: py-}
spec:
  entrypoint: hello
  templates:
  - name: hello
    inputs: {parameters: [{name: s}, {name: n, default: "2"}]}
    script:
      image: python:3.12
      command: [python]
      source: |-
        import os
        import sys
        sys.path.append(os.getcwd())
        import json
        try: n = json.loads(r'''{{inputs.parameters.n}}''')
        except: n = r'''{{inputs.parameters.n}}'''
        try: s = json.loads(r'''{{inputs.parameters.s}}''')
        except: s = r'''{{inputs.parameters.s}}'''

        print(s * n)
`;
    const source = importSource(yaml, "py.yaml");
    expect(source).toContain(
      'const hello = pythonScript({ name: "hello", source: "print(s * n)", inputs: { s: param(), n: param("2") } });',
    );
    expect(normalise(await build(source))).toEqual(normalise(parseYaml(yaml)));
  });

  it("declares a templateRef once and passes artifacts to it as artifact(...)", async () => {
    const yaml = `kind: Workflow
apiVersion: argoproj.io/v1alpha1
metadata: {generateName: t-}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: a, templateRef: {name: lib, template: hello}, arguments: {artifacts: [{name: in, raw: {data: hi}}]}}
      - {name: b, templateRef: {name: lib, template: hello}, depends: a}
`;
    const source = importSource(yaml, "t.yaml");
    expect(source.match(/templateRef\(/g)).toHaveLength(1);
    expect(source).toContain('const hello = templateRef({ name: "lib", template: "hello" });');
    expect(source).toContain('args: { in: artifact({ raw: "hi" }) }');
    expect(source).toContain('d.task("b", hello).after(a);');
    expect(normalise(await build(source))).toEqual(normalise(parseYaml(yaml)));
  });

  it("exports the first document by default and the others by name", async () => {
    const template = `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {name: lib}
spec:
  templates: [{name: hello, container: {image: alpine}}]
`;
    const cron = `apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata: {name: nightly}
spec:
  schedule: "0 1 * * *"
  workflowSpec: {entrypoint: hello, templates: [{name: hello, container: {image: alpine}}]}
`;
    const source = importSource(`${template}---\n${cron}`, "two.yaml");
    expect(source).toContain('export default workflowTemplate({ name: "lib", templates: [hello] });');
    expect(source).toMatch(
      /export const nightly = cronWorkflow\(\{ name: "nightly", entrypoint: helloTemplate, schedules: \["0 1 \* \* \*"\] \}\);/,
    );
    expect(normalise(await build(source))).toEqual(normalise(parseYaml(template)));
    const second = importSource(`${template}---\n${cron}`, "two.yaml", { document: 1 });
    expect(normalise(await build(second))).toEqual(normalise(parseYaml(cron)));
  });
});

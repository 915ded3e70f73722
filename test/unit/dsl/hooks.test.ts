import { container, dag, ex, http, param, script, steps, workflow } from "skiff";
import { describe, expect, it } from "vitest";
import type { Workflow } from "../../../lib/argo";
import { formatDiagnostic, lintSpec } from "../../../lib/compiler";
import { argoValidator } from "./argo-schema";

const validate = argoValidator();
const output = container({
  name: "output",
  image: "alpine",
  command: ["sh", "-c", "echo -n hello > /tmp/out"],
  outputs: { result: param({ valueFrom: { default: "Foobar", path: "/tmp/out" } }) },
});
const exit = script({
  name: "exit",
  image: "python:alpine3.23",
  command: ["python"],
  inputs: { message: param() },
  source: 'print("{{inputs.parameters.message}}")',
});
const notify = http({ name: "notify", url: "https://example.com/hook" });

describe("hooks that refer to their own node, and the outputs aggregate", () => {
  it("a step's exit hook passes the step's own output (Argo's exit-handler-with-param)", () => {
    const main = steps("main", (s) => {
      s.step("step-1", output, {
        hooks: (self) => ({ exit: { template: exit, args: { message: self.outputs.result } } }),
      });
    });
    const wf = workflow({ generateName: "exit-handler-with-param-", entrypoint: main });
    const spec = wf.toSpec() as Workflow;
    expect(spec.spec.templates?.[0].steps?.[0][0].hooks).toEqual({
      exit: {
        template: "exit",
        arguments: { parameters: [{ name: "message", value: "{{steps.step-1.outputs.parameters.result}}" }] },
      },
    });
    expect(spec.spec.templates?.map((template) => template.name)).toEqual(["main", "output", "exit"]);
    expect(validate(spec).errors).toEqual([]);
    expect(lintSpec(spec, wf.sites()).map(formatDiagnostic)).toEqual([]);
  });

  it("a task's hook expression reads its own status in expr-lang; a typo in its outputs does not compile", () => {
    const main = dag("main", (d) => {
      d.task("step-1", output, {
        hooks: (self) => ({
          running: { template: notify, expression: ex(self.status).eq("Running") },
          done: { template: notify, expression: ex(self.outputs.result).eq("x") },
        }),
      });
    });
    const task = (workflow({ generateName: "h-", entrypoint: main }).toSpec() as Workflow).spec.templates?.[0]
      .dag?.tasks?.[0];
    expect(task?.hooks?.running).toEqual({
      template: "notify",
      expression: "tasks['step-1'].status == 'Running'",
    });
    expect(task?.hooks?.done.expression).toBe("tasks['step-1'].outputs.parameters.result == 'x'");
    expect(task?.depends).toBeUndefined();
    expect(() =>
      dag("typo", (d) => {
        d.task("step-1", output, {
          // @ts-expect-error: "output" has no output "missing".
          hooks: (self) => ({ done: { template: notify, expression: ex(self.outputs.missing).eq("x") } }),
        });
      }),
    ).toThrow(/not declared/);
    expect(() =>
      dag("stale", (d) => {
        d.task("renamed", output, {
          hooks: { done: { template: notify, expression: "tasks['step-1'].status == 'Succeeded'" } },
        });
      }),
    ).toThrow(/task "renamed" references task "step-1", which is not in "stale"/);
  });

  it("references the outputs.parameters aggregate of a looped node, in {{…}} and in expressions", () => {
    const show = container({ name: "show", image: "alpine", inputs: { all: param() } });
    const main = dag("main", (d) => {
      const each = d.task("each", output, { withItems: [1, 2, 3] });
      expect(each.outputParameters).toBe("{{tasks.each.outputs.parameters}}");
      d.task("show", show, { args: { all: each.outputParameters } });
      d.task("count", show, { args: { all: ex.fn("fromJSON", each.outputParameters).length() } });
    });
    const wf = workflow({ generateName: "agg-", entrypoint: main });
    const tasks = (wf.toSpec() as Workflow).spec.templates?.[0].dag?.tasks ?? [];
    expect(tasks[1]).toMatchObject({
      depends: "each",
      arguments: { parameters: [{ value: "{{tasks.each.outputs.parameters}}" }] },
    });
    expect(tasks[2]).toMatchObject({
      depends: "each",
      arguments: { parameters: [{ value: "{{=len(fromJSON(tasks.each.outputs.parameters))}}" }] },
    });
    expect(lintSpec(wf.toSpec(), wf.sites()).map(formatDiagnostic)).toEqual([]);
  });
});

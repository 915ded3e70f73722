import { container, dag, param, steps, workflow } from "skiff";
import { describe, expect, it } from "vitest";
import type { Workflow } from "../../../lib/argo";
import { referencedNodes } from "../../../lib/dsl/node-references";

const say = container({
  name: "say",
  image: "alpine",
  command: ["echo", "{{inputs.parameters.msg}}"],
  inputs: { msg: param() },
});

describe("node references in templated text", () => {
  it("reads {{tasks.x.…}} and {{steps.x.…}} as nodes, and {{tasks.name}} / {{steps.name}} as Argo's own variables", () => {
    expect(referencedNodes("{{tasks.a.outputs.result}} {{tasks.b.status}}", "tasks")).toEqual(["a", "b"]);
    expect(referencedNodes("I am {{tasks.name}}", "tasks")).toEqual([]);
    expect(referencedNodes("I am {{steps.name}}, after {{steps.a.outputs.result}}", "steps")).toEqual(["a"]);
  });

  it("builds a DAG and a steps template whose arguments name the current task or step", () => {
    const d = dag("d", (g) => {
      const a = g.task("a", say, { args: { msg: "{{tasks.name}}" } });
      g.task("b", say, { args: { msg: a.result } });
    });
    const s = steps("s", (g) => {
      g.step("one", say, { args: { msg: "{{steps.name}}" } });
    });
    const spec = workflow({ generateName: "w-", entrypoint: d, templates: [s] }).toSpec() as Workflow;
    const tasks = spec.spec.templates?.find((t) => t.name === "d")?.dag?.tasks ?? [];
    expect(tasks.map((t) => [t.name, t.depends])).toEqual([
      ["a", undefined],
      ["b", "a"],
    ]);
  });
});

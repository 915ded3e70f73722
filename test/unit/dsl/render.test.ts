import { container, dag, param, specWithSites, steps, templateRef, workflow } from "skiff";
import { describe, expect, it } from "vitest";
import type { Workflow } from "../../../lib/argo";

const work = container({ name: "work", image: "alpine", inputs: { msg: param(), mode: param("fast") } });

function pipeline() {
  const main = dag("main", (d) => {
    const a = d.task("a", work, { args: { msg: "hi" } });
    d.task("b", work, {
      args: { msg: a.result, mode: undefined },
      when: "{{tasks.a.status}} == Succeeded",
      // User structures may hold undefined members: the spec never does.
      withItems: [{ x: 1, y: undefined }, "z"],
      withSequence: { count: "2", start: undefined },
      continueOn: { failed: true, error: undefined },
    });
    d.task("c", templateRef({ name: "lib", template: "t" })).after(a);
  });
  const group = steps("group", (s) => {
    s.step("one", work, { args: { msg: "1" } });
  });
  return workflow({ generateName: "r-", entrypoint: main, templates: [group] });
}

describe("rendering", () => {
  it("gives toSpec() and sites() from one rendering", () => {
    const resource = pipeline();
    const { spec, sites } = specWithSites(resource);
    expect(spec).toEqual(resource.toSpec());
    expect(JSON.stringify(spec)).toBe(JSON.stringify(resource.toSpec()));
    expect(sites).toEqual(resource.sites());
    expect(Object.keys(sites)).toContain("spec.templates[2].dag.tasks[2]");
  });

  it("emits task members in a fixed order, without undefined members at any depth", () => {
    const spec = specWithSites(pipeline()).spec as Workflow;
    const tasks = spec.spec.templates?.find((t) => t.name === "main")?.dag?.tasks ?? [];
    expect(tasks.map((task) => Object.keys(task))).toEqual([
      ["name", "template", "arguments"],
      ["name", "template", "arguments", "depends", "when", "withItems", "withSequence", "continueOn"],
      ["name", "templateRef", "depends"],
    ]);
    expect(tasks[1]).toEqual({
      name: "b",
      template: "work",
      arguments: { parameters: [{ name: "msg", value: "{{tasks.a.outputs.result}}" }] },
      depends: "a",
      when: "{{tasks.a.status}} == Succeeded",
      withItems: [{ x: 1 }, "z"],
      withSequence: { count: "2" },
      continueOn: { failed: true },
    });
    expect(Object.keys(tasks[1].withItems?.[0] as object)).toEqual(["x"]);
    expect(Object.keys(tasks[1].continueOn ?? {})).toEqual(["failed"]);
    expect(tasks[2].templateRef).toEqual({ name: "lib", template: "t" });
  });
});

import { container, DslError, dag, declare, eq, param, steps, workflow } from "skiff";
import { describe, expect, it } from "vitest";
import type { Workflow } from "../../../lib/argo";
import { argoValidator } from "./argo-schema";

const validate = argoValidator();
const roll = container({ name: "roll", image: "alpine", command: ["sh", "-c", "echo $((RANDOM % 6))"] });
const count = container({
  name: "count",
  image: "alpine",
  inputs: { n: param() },
  command: ["sh", "-c", "echo $(({{inputs.parameters.n}} + 1))"],
});

function templateNames(spec: Workflow): string[] {
  return (spec.spec.templates ?? []).map((template) => template.name ?? "");
}

describe("recursion and templates defined later", () => {
  it("a DAG runs itself through d.self, typed by its own inputs", () => {
    const loop = dag({ name: "loop", inputs: { n: param() } }, (d) => {
      const c = d.task("count", count, { args: { n: d.inputs.n } });
      d.task("again", d.self, { args: { n: c.result }, when: `${c.result} < 5` });
      // @ts-expect-error: the DAG's own input "n" is required.
      expect(() => d.task("bad", d.self)).toThrow(/needs argument "n"/);
    });
    const spec = workflow({
      generateName: "loop-",
      entrypoint: loop,
      arguments: { n: 0 },
    }).toSpec() as Workflow;
    expect(templateNames(spec)).toEqual(["loop", "count"]);
    const again = spec.spec.templates?.[0].dag?.tasks?.find((task) => task.name === "again");
    expect(again).toMatchObject({
      template: "loop",
      depends: "count",
      arguments: { parameters: [{ name: "n", value: "{{tasks.count.outputs.result}}" }] },
    });
    expect(validate(spec).errors).toEqual([]);
  });

  it("a steps template runs itself through s.self (Argo's coinflip-recursive)", () => {
    const coinflip = steps("coinflip", (s) => {
      const r = s.step("roll", roll);
      s.step("again", s.self, { when: eq(r.result, 0) });
    });
    const spec = workflow({ generateName: "c-", entrypoint: coinflip }).toSpec() as Workflow;
    expect(spec.spec.templates?.[0].steps?.[1][0]).toEqual({
      name: "again",
      template: "coinflip",
      when: "{{steps.roll.outputs.result}} == 0",
    });
  });

  it("a declared template is run before it is defined, mutual recursion included", () => {
    const ping = declare({ name: "ping", inputs: { n: param() } });
    const pong = steps({ name: "pong", inputs: { n: param() } }, (s) => {
      const c = s.step("count", count, { args: { n: s.inputs.n } });
      s.step("ping", ping, { args: { n: c.result }, when: `${c.result} < 4` });
    });
    const defined = steps(ping, (s) => {
      const c = s.step("count", count, { args: { n: s.inputs.n } });
      s.step("pong", pong, { args: { n: c.result } });
      // @ts-expect-error: the declaration has no input "m".
      expect(() => s.step("bad", ping, { args: { n: 1, m: 2 } })).toThrow(/has no input "m"/);
    });
    expect(ping.defined).toBe(true);
    const spec = workflow({ generateName: "pp-", entrypoint: ping }).toSpec() as Workflow;
    expect(templateNames(spec)).toEqual(["ping", "count", "pong"]);
    expect(spec.spec.entrypoint).toBe(defined.name);
    expect(validate(spec).errors).toEqual([]);
  });

  it("define checks the body against the declaration", () => {
    const later = declare({ name: "later", inputs: { n: param() }, outputs: { out: param() } });
    expect(() =>
      later.define(container({ name: "other", image: "a", inputs: { n: param() } }) as never),
    ).toThrow(/names differ/);
    expect(() =>
      later.define(
        container({ name: "later", image: "a", inputs: { m: param() }, outputs: { out: param() } }) as never,
      ),
    ).toThrow(/has inputs m \(parameter\), but its declaration.* has n \(parameter\)/);
    expect(() =>
      later.define(container({ name: "later", image: "a", inputs: { n: param() } }) as never),
    ).toThrow(/lacks the declared output out/);
    const body = container({ name: "later", image: "a", inputs: { n: param() }, outputs: { out: param() } });
    expect(later.define(body)).toBe(body);
    expect(() =>
      later.define(
        container({ name: "later", image: "b", inputs: { n: param() }, outputs: { out: param() } }),
      ),
    ).toThrow(/already defined/);
  });

  it("a declaration never defined is an error naming it, where it was declared", () => {
    const missing = declare({ name: "missing" });
    const main = steps("main", (s) => {
      s.step("go", missing);
    });
    const build = () => workflow({ generateName: "m-", entrypoint: main }).toSpec();
    expect(build).toThrow(DslError);
    expect(build).toThrow(/template "missing" is run but was never defined.*recursion\.test\.ts:\d+:\d+/);
  });
});

import { container, cronWorkflow, DslError, dag, ex, param, steps, workflow, workflowArguments } from "skiff";
import { describe, expect, it } from "vitest";
import type { Workflow } from "../../../lib/argo";
import { evaluateExpr, evaluateWhen, expandKeys, MapScope, substitute } from "../../../lib/argo/expr";

const flip = container({
  name: "flip",
  image: "alpine",
  outputs: { side: param({ valueFrom: { path: "/s" } }) },
});
const show = container({ name: "show", image: "alpine", inputs: { text: param() } });

/** What Argo's local counterpart reads back from each rendering. */
const scope = {
  "tasks.flip-coin.outputs.result": "heads",
  "tasks.flip-coin.outputs.parameters.side": "tails",
  "inputs.parameters.n": "4",
  "workflow.parameters.word": "it's {here}",
};
const asExpr = (text: string) => evaluateExpr(text, expandKeys(scope));
const asTag = (text: string) => substitute(text, new MapScope(scope));
const asWhen = (text: string) => evaluateWhen(substitute(text, new MapScope(scope)));

describe("ex: the typed expression builder", () => {
  it("turns DSL references into expr-lang paths, indexing names that are not identifiers", () => {
    let rendered: { expression: string; when: string; tag: string } | undefined;
    dag("d", (d) => {
      const coin = d.task("flip-coin", flip);
      const winner = ex(coin.result).eq("heads");
      rendered = { expression: String(winner), when: winner.toWhen(), tag: winner.tag() };
    });
    expect(rendered).toEqual({
      expression: "tasks['flip-coin'].outputs.result == 'heads'",
      when: "{{tasks.flip-coin.outputs.result}} == 'heads'",
      tag: "{{=tasks['flip-coin'].outputs.result == 'heads'}}",
    });
    expect(asExpr(rendered?.expression ?? "")).toBe(true);
    expect(asWhen(rendered?.when ?? "")).toBe(true);
    expect(asTag(rendered?.tag ?? "")).toBe("true");
  });

  it("quotes strings so that Argo's readers get exactly the text back", () => {
    const texts = [
      "it's",
      'say "hi"',
      "back\\slash",
      "line\nbreak\ttab",
      "}} and {{x}}",
      "ünï€ode",
      "{{=1}}",
    ];
    for (const text of texts) {
      const literal = ex.lit(text);
      expect(asExpr(String(literal)), String(literal)).toBe(text);
      expect(asTag(literal.tag()), literal.tag()).toBe(text);
      expect(asWhen(ex(ex.lit(text)).eq(ex.lit(text)).toWhen())).toBe(true);
    }
    // A when's references are substituted bare, as Argo does: a value govaluate cannot read breaks it, and
    // the same comparison as an expression tag holds.
    expect(() => asWhen(ex("{{workflow.parameters.word}}").eq("it's {here}").toWhen())).toThrow(
      /Invalid token/,
    );
    expect(asTag(ex("{{workflow.parameters.word}}").eq("it's {here}").tag())).toBe("true");
  });

  it("parenthesises by expr-lang's precedence, and the result evaluates as written", () => {
    expect(String(ex(1).plus(2).times(3))).toBe("(1 + 2) * 3");
    expect(String(ex(1).plus(ex(2).times(3)))).toBe("1 + 2 * 3");
    expect(String(ex(10).minus(ex(4).minus(3)))).toBe("10 - (4 - 3)");
    expect(asExpr(String(ex(10).minus(ex(4).minus(3))))).toBe(9);
    expect(String(ex(2).pow(3).pow(2))).toBe("(2 ** 3) ** 2");
    expect(asExpr(String(ex(2).pow(3).pow(2)))).toBe(64);
    expect(String(ex.not(ex(true).eq(false)))).toBe("!(true == false)");
    expect(String(ex.or(ex(true).and(false), false))).toBe("true && false || false");
    expect(String(ex(true).and(ex(false).or(true)))).toBe("true && (false || true)");
    expect(asExpr(String(ex(true).and(ex(false).or(true))))).toBe(true);
    const ternary = ex("{{inputs.parameters.n}}").asInt().gt(3).check("big", "small");
    expect(String(ternary)).toBe("asInt(inputs.parameters.n) > 3 ? 'big' : 'small'");
    expect(asExpr(String(ternary))).toBe("big");
  });

  it("calls Argo's functions: builtins, sprig (typed), jsonpath, closures", () => {
    const doubled = ex.map([1, 2, 3], ex.it.times(2));
    expect(String(doubled)).toBe("map([1, 2, 3], {# * 2})");
    expect(asExpr(doubled.toJson().toString())).toBe("[2,4,6]");
    const json = ex.toJson({ a: ex.sprig.add(1, 2), "b-c": [true, null] });
    expect(String(json)).toBe("toJson({'a': sprig.add(1, 2), 'b-c': [true, nil]})");
    expect(asExpr(String(json))).toBe('{"a":3,"b-c":[true,null]}');
    expect(String(ex.jsonpath(ex.lit('{"x": 5}'), "$.x"))).toBe(`jsonpath('{"x": 5}', '$.x')`);
    expect(asExpr(String(ex.jsonpath(ex.lit('{"x": 5}'), "$.x")))).toBe(5);
    expect(String(ex.fn("upper", "a").length())).toBe("len(upper('a'))");
    // @ts-expect-error: sprig has no function "nope".
    expect(ex.sprig.nope).toBeUndefined();
  });

  it("joins text and references with +, and keeps a when's references for Argo to substitute", () => {
    const mixed = ex("n={{inputs.parameters.n}}!");
    expect(String(mixed)).toBe("'n=' + inputs.parameters.n + '!'");
    expect(asExpr(String(mixed))).toBe("n=4!");
    expect(mixed.eq("n=4!").toWhen()).toBe("'n={{inputs.parameters.n}}!' == 'n=4!'");
    expect(asWhen(mixed.eq("n=4!").toWhen())).toBe(true);
  });

  it("writes a when as govaluate when it can, and as an expression tag when it cannot", () => {
    const n = ex("{{inputs.parameters.n}}");
    expect(n.ge(4).and(n.lt(9)).toWhen()).toBe("{{inputs.parameters.n}} >= 4 && {{inputs.parameters.n}} < 9");
    expect(asWhen(n.ge(4).and(n.lt(9)).toWhen())).toBe(true);
    expect(n.asInt().mod(2).eq(0).toWhen()).toBe("{{=asInt(inputs.parameters.n) % 2 == 0}}");
    expect(asWhen(n.asInt().mod(2).eq(0).toWhen())).toBe(true);
    expect(ex("{{workflow.parameters.word}}").matches("^it").toWhen()).toBe(
      "{{workflow.parameters.word}} =~ '^it'",
    );
  });

  it("builds depends from nodes and their state operands", () => {
    const spec = workflow({
      generateName: "d-",
      entrypoint: dag("main", (d) => {
        const a = d.task("a", flip);
        const b = d.task("b", flip);
        const c = d.task("c", flip);
        d.task("after", flip, { depends: ex.and(a.succeeded, ex.or(b.failed, c)) });
      }),
    }).toSpec() as Workflow;
    const tasks = spec.spec.templates?.[0].dag?.tasks ?? [];
    expect(tasks.find((task) => task.name === "after")?.depends).toBe("a.Succeeded && (b.Failed || c)");
    expect(() => ex("{{tasks.a.outputs.result}}").eq(1).toDepends()).toThrow(/depends combines task states/);
  });

  it("puts expressions in parameter values, when, hooks and output expressions, with the edges Argo needs", () => {
    const args = workflowArguments({ word: "hi" });
    const main = dag("main", (d) => {
      const coin = d.task("flip-coin", flip);
      d.task("show", show, {
        args: { text: ex(coin.outputs.side).plus("!").plus(args.refs.word) },
        when: ex(coin.result).ne("edge"),
        hooks: {
          running: {
            template: show,
            args: { text: "x" },
            expression: ex("{{tasks.show.status}}").eq("Running"),
          },
        },
      });
      return { side: param({ valueFrom: { expression: ex(coin.outputs.side) } }) };
    });
    const spec = workflow({
      generateName: "e-",
      entrypoint: main,
      arguments: args,
    }).toSpec() as Workflow;
    const template = spec.spec.templates?.find((t) => t.name === "main");
    const task = template?.dag?.tasks?.find((t) => t.name === "show");
    expect(task?.arguments?.parameters?.[0].value).toBe(
      "{{=tasks['flip-coin'].outputs.parameters.side + '!' + workflow.parameters.word}}",
    );
    expect(task?.depends).toBe("flip-coin");
    expect(task?.when).toBe("{{tasks.flip-coin.outputs.result}} != 'edge'");
    expect(task?.hooks?.running.expression).toBe("tasks.show.status == 'Running'");
    expect(template?.outputs?.parameters?.[0].valueFrom?.expression).toBe(
      "tasks['flip-coin'].outputs.parameters.side",
    );
  });

  it("writes a CronWorkflow's when as a tag and its stopStrategy as expr-lang", () => {
    const failed = ex.ref("cronworkflow.failed");
    const cron = cronWorkflow({
      name: "nightly",
      schedules: "0 1 * * *",
      entrypoint: flip,
      when: failed.lt(3),
      stopStrategy: { expression: failed.ge(3) },
    }).toSpec();
    expect(cron.spec).toMatchObject({
      when: "{{=cronworkflow.failed < 3}}",
      stopStrategy: { expression: "cronworkflow.failed >= 3" },
    });
  });

  it("follows a renamed task, and refuses a hand-written expression naming a task that is not there", () => {
    const build = (name: string) =>
      dag("main", (d) => {
        const coin = d.task(name, flip);
        d.task("show", show, { args: { text: ex(coin.result).string() } });
      }).render({ sites: new Map(), path: "t" }).dag?.tasks?.[1].arguments?.parameters?.[0].value;
    expect(build("flip-coin")).toBe("{{=string(tasks['flip-coin'].outputs.result)}}");
    expect(build("coin")).toBe("{{=string(tasks.coin.outputs.result)}}");
    expect(() =>
      dag("main", (d) => {
        d.task("coin", flip);
        d.task("show", show, { args: { text: "{{=tasks['flip-coin'].outputs.result}}" } });
      }),
    ).toThrow(/references task "flip-coin", which is not in "main"/);
    expect(() =>
      steps("main", (s) => {
        s.step("show", show, { args: { text: ex("{{steps.nope.outputs.result}}") } });
      }),
    ).toThrow(DslError);
    // A hand-written output expression that still names the old task fails the build too.
    expect(() =>
      dag("main", (d) => {
        d.task("coin", flip);
        return { side: param({ valueFrom: { expression: "tasks['flip-coin'].outputs.result" } }) };
      }),
    ).toThrow(/output "side" of "main" references task "flip-coin", which is not in "main"/);
    expect(() =>
      steps("main", (s) => {
        s.step("coin", flip);
        return { side: param({ valueFrom: { parameter: "{{steps.flip.outputs.parameters.side}}" } }) };
      }),
    ).toThrow(/references step "flip"/);
  });
});

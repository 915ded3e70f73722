import { container, cronWorkflow, type DagBuilder, DslError, dag, param, steps, workflow } from "skiff";
import { describe, expect, it } from "vitest";

const echo = container({ name: "echo", image: "alpine", command: ["echo"] });
const thisFile = new URL(import.meta.url).pathname.split("/").pop() ?? "";

function dslError(fn: () => unknown): DslError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DslError);
    expect((error as DslError).name).toBe("DslError");
    return error as DslError;
  }
  throw new Error("expected a DslError");
}

describe("definition-time misuse", () => {
  it("rejects a task created outside its DAG's block, pointing at the call", () => {
    let leaked: DagBuilder<Record<never, never>> | undefined;
    dag("d", (d) => {
      leaked = d;
      d.task("a", echo);
    });
    const error = dslError(() => leaked?.task("late", echo));
    expect(error.message).toMatch(/task "late" was created outside the block of DAG "d"/);
    expect(error.site?.file).toContain(thisFile);
    expect(error.site?.line).toBeGreaterThan(0);
  });

  it("rejects a dependency cycle and names it", () => {
    const error = dslError(() =>
      dag("loop", (d) => {
        const a = d.task("a", echo);
        const b = d.task("b", echo);
        const c = d.task("c", echo);
        a.before(b, c, a);
      }),
    );
    expect(error.message).toMatch(
      /DAG "loop" has a dependency cycle: (a → b → c → a|b → c → a → b|c → a → b → c)/,
    );
  });

  it("rejects a cycle written with depends expressions", () => {
    const error = dslError(() =>
      dag("loop", (d) => {
        d.task("a", echo, { depends: "b.Succeeded" });
        d.task("b", echo, { depends: "a" });
      }),
    );
    expect(error.message).toMatch(/dependency cycle/);
  });

  it("rejects an edge to a task of another DAG", () => {
    let outer: ReturnType<DagBuilder<Record<never, never>>["task"]> | undefined;
    dag("first", (d) => {
      outer = d.task("a", echo);
    });
    const error = dslError(() =>
      dag("second", (d) => {
        const b = d.task("b", echo);
        if (outer) b.after(outer);
      }),
    );
    expect(error.message).toMatch(/"b" \(in "second"\) cannot depend on "a" of another DAG \("first"\)/);
  });

  it("rejects a reference to another DAG's output", () => {
    const producer = container({
      name: "producer",
      image: "alpine",
      outputs: { x: param({ valueFrom: { path: "/tmp/x" } }) },
    });
    const consumer = container({ name: "consumer", image: "alpine", inputs: { v: param() } });
    let x = "";
    dag("first", (d) => {
      x = d.task("p", producer).outputs.x;
    });
    const error = dslError(() =>
      dag("second", (d) => d.task("c", consumer, { args: { v: x } }) && undefined),
    );
    expect(error.message).toMatch(/task "c" references task "p", which is not in "second"/);
  });

  it("rejects duplicate task and step names", () => {
    expect(
      dslError(() =>
        dag("d", (d) => {
          d.task("a", echo);
          d.task("a", echo);
        }),
      ).message,
    ).toMatch(/duplicate task name "a" in "d" \(first at .*errors\.test\.ts:\d+:\d+\)/);
    expect(
      dslError(() =>
        steps("s", (s) => {
          s.step("a", echo);
          s.parallel((p) => p.step("a", echo));
        }),
      ).message,
    ).toMatch(/duplicate step name "a" in "s"/);
  });

  it("rejects two different templates with the same name", () => {
    const other = container({ name: "echo", image: "busybox" });
    const main = dag("main", (d) => {
      d.task("one", echo);
      d.task("two", other);
    });
    expect(dslError(() => workflow({ generateName: "x-", entrypoint: main }).toSpec()).message).toMatch(
      /duplicate template name "echo" \(first defined at .*errors\.test\.ts/,
    );
  });

  it("rejects an unknown entrypoint and lists the templates", () => {
    const error = dslError(() =>
      workflow({ generateName: "x-", entrypoint: "mian", templates: [echo] }).toSpec(),
    );
    expect(error.message).toBe(
      `unknown entrypoint "mian"; templates: echo (at ${error.site?.file}:${error.site?.line}:${error.site?.column})`,
    );
    expect(error.site?.file).toContain(thisFile);
  });

  it("rejects a missing required argument or an unknown input at run time too (for plain JS callers)", () => {
    const greet = container({ name: "greet", image: "alpine", inputs: { who: param() } });
    const untyped = greet as unknown as typeof echo;
    expect(dslError(() => dag("d", (d) => void d.task("a", untyped))).message).toMatch(
      /task "a": template "greet" needs argument "who"/,
    );
    expect(
      dslError(() =>
        dag("d", (d) => void d.task("a", greet, { args: { who: "x", whom: "y" } as { who: string } })),
      ).message,
    ).toMatch(/template "greet" has no input "whom" \(inputs: who\)/);
  });

  it("rejects then-style edges between steps", () => {
    expect(
      dslError(() =>
        steps("s", (s) => {
          const a = s.step("a", echo);
          s.step("b", echo).after(a);
        }),
      ).message,
    ).toMatch(/only apply to DAG tasks/);
  });

  it("rejects nested parallel groups and CronWorkflows without schedules", () => {
    expect(dslError(() => steps("s", (s) => s.parallel(() => s.parallel(() => undefined)))).message).toMatch(
      /cannot be nested/,
    );
    expect(dslError(() => cronWorkflow({ name: "c", schedules: [], entrypoint: echo })).message).toMatch(
      /at least one schedule/,
    );
  });
});

import { describe, expect, it } from "vitest";
import {
  type ContinueOn,
  type DependsTaskState,
  dependenciesSatisfied,
  dependenciesToDepends,
} from "../../../../lib/argo/depends";
import { evaluateDepends } from "../../../../lib/argo/expr";
import type { NodePhase } from "../../../../lib/argo/phases";

const phases: NodePhase[] = ["Pending", "Running", "Succeeded", "Failed", "Error", "Skipped", "Omitted"];
const continueOns: Array<ContinueOn | undefined> = [
  undefined,
  { failed: true },
  { error: true },
  { failed: true, error: true },
];

function slow(
  deps: string[],
  tasks: Record<string, DependsTaskState>,
  c: (t: string) => ContinueOn | undefined,
) {
  try {
    return evaluateDepends(dependenciesToDepends(deps, c), tasks, c);
  } catch {
    return "error";
  }
}

describe("dependenciesSatisfied", () => {
  it("agrees with evaluating the equivalent depends expression for every phase and continueOn", () => {
    for (const a of phases)
      for (const b of phases)
        for (const ca of continueOns)
          for (const daemoned of [false, true]) {
            const tasks: Record<string, DependsTaskState> = {
              "task-a": { phase: a, daemoned },
              B: { phase: b },
            };
            const c = (t: string) => (t === "task-a" ? ca : { failed: true });
            const deps = ["task-a", "B"];
            expect(dependenciesSatisfied(deps, tasks, c), `${a} ${b} ${JSON.stringify(ca)} ${daemoned}`).toBe(
              slow(deps, tasks, c),
            );
          }
  });

  it("leaves names that are not plain identifiers to the expression evaluator", () => {
    const tasks: Record<string, DependsTaskState> = {
      "1st": { phase: "Succeeded" },
      not: { phase: "Succeeded" },
    };
    expect(dependenciesSatisfied(["1st"], tasks)).toBeUndefined();
    expect(dependenciesSatisfied(["not"], tasks)).toBeUndefined();
    expect(dependenciesSatisfied(["missing"], tasks)).toBeUndefined();
  });
});

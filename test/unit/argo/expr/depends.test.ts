import { describe, expect, it } from "vitest";
import {
  type DependsTaskState,
  dependenciesToDepends,
  dependsResolved,
  dependsTaskNames,
} from "../../../../lib/argo/depends";
import { ExpressionError, evaluateDepends } from "../../../../lib/argo/expr";

const t = (phase: DependsTaskState["phase"], loop?: DependsTaskState["loop"]): DependsTaskState => ({
  phase,
  loop,
});

describe("evaluateDepends", () => {
  it("a bare name means Succeeded, Skipped or Daemoned", () => {
    expect(evaluateDepends("A", { A: t("Succeeded") })).toBe(true);
    expect(evaluateDepends("A", { A: t("Skipped") })).toBe(true);
    expect(evaluateDepends("A", { A: { phase: "Running", daemoned: true } })).toBe(true);
    expect(evaluateDepends("A", { A: t("Failed") })).toBe(false);
    expect(evaluateDepends("A", { A: t("Error") })).toBe(false);
    expect(evaluateDepends("A", { A: t("Omitted") })).toBe(false);
  });
  it("evaluates results with &&, || and parentheses (dag-enhanced-depends)", () => {
    const expr = "A && (C.Succeeded || C.Failed)";
    expect(evaluateDepends(expr, { A: t("Succeeded"), C: t("Failed") })).toBe(true);
    expect(evaluateDepends(expr, { A: t("Succeeded"), C: t("Error") })).toBe(false);
    expect(evaluateDepends("B.Failed && C", { B: t("Failed"), C: t("Succeeded") })).toBe(true);
    expect(evaluateDepends("B || C", { B: t("Failed"), C: t("Skipped") })).toBe(true);
    expect(evaluateDepends("B.Succeeded || C.Succeeded", { B: t("Failed"), C: t("Failed") })).toBe(false);
  });
  it("maps each result to its phase", () => {
    expect(evaluateDepends("A.Errored", { A: t("Error") })).toBe(true);
    expect(evaluateDepends("A.Omitted", { A: t("Omitted") })).toBe(true);
    expect(evaluateDepends("A.Skipped", { A: t("Skipped") })).toBe(true);
    expect(evaluateDepends("A.Daemoned", { A: { phase: "Running", daemoned: true } })).toBe(true);
    expect(evaluateDepends("!A.Failed", { A: t("Succeeded") })).toBe(true);
  });
  it("supports task names with dashes", () => {
    const tasks = { "should-execute-2": t("Succeeded"), "should-not-execute": t("Omitted") };
    expect(evaluateDepends("should-execute-2.Succeeded || should-not-execute", tasks)).toBe(true);
    expect(
      evaluateDepends("create-some-outputs && create-more-outputs", {
        "create-some-outputs": t("Succeeded"),
        "create-more-outputs": t("Failed"),
      }),
    ).toBe(false);
  });
  it("evaluates AnySucceeded and AllFailed of looped tasks", () => {
    expect(
      evaluateDepends("t1.AnySucceeded", { t1: t("Failed", { anySucceeded: true, allFailed: false }) }),
    ).toBe(true);
    expect(
      evaluateDepends("t2.AllFailed", { t2: t("Failed", { anySucceeded: false, allFailed: true }) }),
    ).toBe(true);
    expect(evaluateDepends("t2.AllFailed", { t2: t("Failed") })).toBe(false);
  });
  it("rejects unknown results and unknown tasks with a clear error", () => {
    expect(() => evaluateDepends("A.Succeded", { A: t("Succeeded") })).toThrow(
      /task result 'Succeded' for task 'A' is invalid/,
    );
    expect(() => evaluateDepends("A && B", { A: t("Succeeded") })).toThrow(ExpressionError);
    expect(() => evaluateDepends("A && B", { A: t("Succeeded") })).toThrow(/unknown task 'B'/);
  });
  it("honours continueOn for bare names", () => {
    const continueOn = (name: string) => (name === "A" ? { failed: true } : undefined);
    expect(evaluateDepends("A", { A: t("Failed") }, continueOn)).toBe(true);
    expect(evaluateDepends("A", { A: t("Error") }, continueOn)).toBe(false);
  });
});

describe("depends helpers", () => {
  it("lists the referenced task names once each", () => {
    expect(dependsTaskNames("A && (C.Succeeded || C.Failed)")).toEqual(["A", "C"]);
    expect(dependsTaskNames("create-etcd-stateful-set && create-etcd-load-balancer")).toEqual([
      "create-etcd-stateful-set",
      "create-etcd-load-balancer",
    ]);
    expect(dependsTaskNames("t1.AnySucceeded")).toEqual(["t1"]);
  });
  it("turns a dependencies list into a depends expression", () => {
    expect(dependenciesToDepends(["A", "B"])).toBe(
      "(A.Succeeded || A.Skipped || A.Daemoned) && (B.Succeeded || B.Skipped || B.Daemoned)",
    );
    expect(dependenciesToDepends(["A"], () => ({ failed: true, error: true }))).toBe(
      "(A.Succeeded || A.Skipped || A.Daemoned || A.Errored || A.Failed)",
    );
    expect(evaluateDepends(dependenciesToDepends(["A", "B"]), { A: t("Succeeded"), B: t("Skipped") })).toBe(
      true,
    );
  });
  it("is resolved only when every referenced task is fulfilled, even in || branches", () => {
    expect(dependsResolved("B || C", { B: t("Succeeded"), C: t("Running") })).toBe(false);
    expect(dependsResolved("B || C", { B: t("Succeeded"), C: t("Omitted") })).toBe(true);
    expect(dependsResolved("B", {})).toBe(false);
    expect(dependsResolved("B", { B: t("Pending") })).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { dependsTaskNames, invalidResult, parseDepends } from "../../../lib/argo/depends";

describe("parseDepends", () => {
  it("reads task names and results through operators and parentheses", () => {
    expect(parseDepends("(a.Succeeded || b-2.Failed) && !c")).toEqual([
      { task: "a", result: "Succeeded" },
      { task: "b-2", result: "Failed" },
      { task: "c" },
    ]);
    expect(parseDepends("")).toEqual([]);
  });

  it.each(["a &&", "(a", "a)", "a b", "&& a", "a || || b"])("rejects %j", (expression) => {
    expect(parseDepends(expression)).toBeUndefined();
  });

  it.each(["a.failed", "a == b", "a & b", "a_b"])(
    "rejects %j, which Argo's task-name grammar does not read as one operand",
    (expression) => {
      expect(parseDepends(expression)).toBeUndefined();
    },
  );

  it("finds the same names as Argo's task-name regex, which the engines evaluate with", () => {
    const expression = "(a.Succeeded || b-2.Failed) && !c && a";
    expect(dependsTaskNames(expression)).toEqual(["a", "b-2", "c"]);
    expect(parseDepends(expression)?.map((operand) => operand.task)).toEqual(["a", "b-2", "c", "a"]);
  });
});

describe("invalidResult", () => {
  it("names the first result Argo does not know", () => {
    expect(invalidResult("a.Succeeded && b.Finished && c.Nope")).toEqual({ task: "b", result: "Finished" });
    expect(invalidResult("a.AnySucceeded || b.AllFailed || c.Daemoned || d")).toBeUndefined();
  });
});

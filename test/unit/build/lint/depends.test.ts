import { describe, expect, it } from "vitest";
import { parseDepends } from "../../../../lib/argo/depends";

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
});

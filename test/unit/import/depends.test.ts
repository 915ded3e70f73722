import { describe, expect, it } from "vitest";
import { canonicalDepends } from "../../../lib/import";
import { dependsCode, parseDependsTree, plainConjunction } from "../../../lib/import/depends";

describe("depends expressions", () => {
  it("parses with && binding tighter than ||", () => {
    expect(parseDependsTree("A && B || C")).toEqual({
      op: "or",
      operands: [
        {
          op: "and",
          operands: [
            { op: "task", task: "A" },
            { op: "task", task: "B" },
          ],
        },
        { op: "task", task: "C" },
      ],
    });
  });

  it("refuses malformed expressions", () => {
    for (const text of ["A &&", "(A || B", "A B", "&& A", ""]) expect(parseDependsTree(text)).toBeUndefined();
  });

  it("prints one canonical spelling: spacing, redundant parentheses and operand order do not matter", () => {
    expect(canonicalDepends("(A && B) || C")).toBe(canonicalDepends("C || B&&A"));
    expect(canonicalDepends("!(A.Failed)")).toBe("!A.Failed");
    expect(canonicalDepends("A && B")).not.toBe(canonicalDepends("A || B"));
  });

  it("writes the DSL's helpers with task variables and result getters", () => {
    const imports = new Set<string>();
    const variables = new Map([
      ["a", "a"],
      ["flip-coin", "flipCoin"],
    ]);
    const tree = parseDependsTree("(a.Succeeded || flip-coin.AnySucceeded) && !a.Errored");
    expect(tree && dependsCode(tree, variables, imports)).toBe(
      "and(or(a.succeeded, flipCoin.anySucceeded), not(a.errored))",
    );
    expect([...imports].sort()).toEqual(["and", "not", "or"]);
  });

  it("gives up on an unknown task or an unknown result", () => {
    const variables = new Map([["a", "a"]]);
    for (const text of ["b", "a.Finished"]) {
      const tree = parseDependsTree(text);
      expect(tree && dependsCode(tree, variables, new Set())).toBeUndefined();
    }
  });

  it("recognises a plain conjunction of task names", () => {
    expect(plainConjunction(parseDependsTree("A && B") as never)).toEqual(["A", "B"]);
    expect(plainConjunction(parseDependsTree("A && B.Failed") as never)).toBeUndefined();
  });
});

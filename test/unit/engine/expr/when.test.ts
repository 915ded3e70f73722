import { describe, expect, it } from "vitest";
import { ExpressionError, evaluateWhen } from "../../../../lib/engine/local/expr";

describe("evaluateWhen (govaluate with bare words as strings)", () => {
  it("compares bare words as strings", () => {
    expect(evaluateWhen("heads == heads")).toBe(true);
    expect(evaluateWhen("tails == heads")).toBe(false);
    expect(evaluateWhen("Succeeded != Succeeded")).toBe(false);
    expect(evaluateWhen("even == even")).toBe(true);
  });
  it("compares numbers as float64", () => {
    expect(evaluateWhen("5 < 10")).toBe(true);
    expect(evaluateWhen("10 < 5")).toBe(false);
    expect(evaluateWhen("3 != 1 && 3 != 2")).toBe(true);
    expect(evaluateWhen("1.0 == 1")).toBe(true);
    expect(evaluateWhen("6 != 6")).toBe(false);
  });
  it("never equates a number with a string", () => {
    expect(evaluateWhen("1 == '1'")).toBe(false);
    expect(evaluateWhen("1 != '1'")).toBe(true);
  });
  it("supports booleans, !, && and || with parentheses", () => {
    expect(evaluateWhen("true == true")).toBe(true);
    expect(evaluateWhen("!false")).toBe(true);
    expect(evaluateWhen("( heads == heads && tails == tails ) || ( tails == heads && heads == tails )")).toBe(
      true,
    );
  });
  it("matches regular expressions with =~ and !~", () => {
    expect(evaluateWhen("heads =~ hea")).toBe(true);
    expect(evaluateWhen("tails =~ hea")).toBe(false);
    expect(evaluateWhen("tails !~ hea")).toBe(true);
    expect(evaluateWhen("'abc' =~ '^a.c$'")).toBe(true);
  });
  it("tests membership with in (…)", () => {
    expect(evaluateWhen("b in (a, b, c)")).toBe(true);
    expect(evaluateWhen("2 in (1, 3)")).toBe(false);
  });
  it("does arithmetic", () => {
    expect(evaluateWhen("2 + 3 * 4 == 14")).toBe(true);
    expect(evaluateWhen("10 - 2 - 3 == 5")).toBe(true);
    expect(evaluateWhen("-2 < 0")).toBe(true);
    expect(evaluateWhen("'a' + 'b' == ab")).toBe(true);
  });
  it("is true for an empty expression", () => {
    expect(evaluateWhen("")).toBe(true);
  });
  it("errors when the result is not a boolean", () => {
    expect(() => evaluateWhen("heads")).toThrow(ExpressionError);
    expect(() => evaluateWhen("heads")).toThrow("Expected boolean evaluation for 'heads'. Got heads");
  });
  it("errors on comparing a string with a number using <", () => {
    expect(() => evaluateWhen("a < 5")).toThrow(/cannot be used with the comparator '<', it is not a number/);
  });
  it("errors on invalid tokens with Argo's hint", () => {
    expect(() => evaluateWhen("a === b")).toThrow(
      /Invalid 'when' expression 'a === b': Invalid token: '==='/,
    );
    expect(() => evaluateWhen("a === b")).toThrow(/hint: try wrapping the affected expression in quotes/);
  });
  it("errors on unbalanced parentheses and dangling operators", () => {
    expect(() => evaluateWhen("(a == b")).toThrow(/Unbalanced parenthesis/);
    expect(() => evaluateWhen("a ==")).toThrow(/Unexpected end of expression/);
  });
});

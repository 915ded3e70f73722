import { describe, expect, it } from "vitest";
import { ExpressionError, evaluateWhen } from "../../../../lib/argo/expr";

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

describe("evaluateWhen: Argo's own shouldExecute cases", () => {
  it.each([
    "foo == foo",
    "'ref/branch/master' == 'ref/branch/master'",
    "foo != bar",
    "1 == 1",
    "1 != 2",
    "1 < 2",
    "1 <= 1",
    "1/2 == 0.5",
    "a < b",
    "(foo == bar) || (foo == foo)",
    "(1 > 0) && (1 < 2)",
    "Error in (Failed, Error)",
    "!(Succeeded in (Failed, Error))",
    "true == true",
  ])("%s is true", (expression) => {
    expect(evaluateWhen(expression)).toBe(true);
  });
  it.each([
    "foo != foo",
    "'ref/branch/master' != 'ref/branch/master'",
    "foo == bar",
    "1 != 1",
    "1 == 2",
    "1 > 2",
    "1 <= 0",
    "1/2 != 0.5",
    "a > b",
    "(foo == bar) || (bar == foo)",
    "(1 > 0) && (11 < 2)",
    "Succeeded in (Failed, Error)",
    "!(Error in (Failed, Error))",
    "false == true",
  ])("%s is false", (expression) => {
    expect(evaluateWhen(expression)).toBe(false);
  });
});

describe("evaluateWhen: govaluate quirks", () => {
  it("quoted dates compare as instants", () => {
    expect(evaluateWhen("'2024-01-02' > '2024-01-01'")).toBe(true);
    expect(evaluateWhen("'2024-01-01T10:00:00Z' == '2024-01-01T11:00:00+01:00'")).toBe(true);
  });
  it("a dotted lower-case word is an accessor and fails", () => {
    expect(() => evaluateWhen("foo.bar == x")).toThrow(
      /Unable to access unexported field 'bar' in token 'foo.bar'/,
    );
    expect(() => evaluateWhen("v1.X == x")).toThrow(/No parameter 'v1' found/);
  });
  it("a version-like number does not parse", () => {
    expect(() => evaluateWhen("1.2.3 == 1.2.3")).toThrow(/Unable to parse numeric value '1.2.3' to float64/);
  });
  it("two bare words in a row do not parse", () => {
    expect(() => evaluateWhen("hello world == x")).toThrow(
      /Cannot transition token types from VARIABLE \[hello\] to VARIABLE \[world\]/,
    );
  });
  it("a string concatenates numbers with Go's float formatting", () => {
    expect(evaluateWhen("'v' + 1 == v1")).toBe(true);
    expect(evaluateWhen("'v' + 1000000 == 'v1e+06'")).toBe(true);
  });
  it("ternary and coalescing operators", () => {
    expect(evaluateWhen("(1 > 0 ? yes : no) == yes")).toBe(true);
    expect(evaluateWhen("(1 < 0 ? yes : no) == no")).toBe(true);
  });
  it("an unresolved tag is an invalid token, with the hint", () => {
    expect(() => evaluateWhen("{{steps.a.outputs.result}} == heads")).toThrow(/Invalid token: '\{\{'.*hint/);
  });
  it("a bad regular expression is reported", () => {
    expect(() => evaluateWhen("abc =~ '('")).toThrow(ExpressionError);
  });
});

import { describe, expect, it } from "vitest";
import { checkSyntax, lex } from "../../../../../lib/argo/expr/govaluate/lexer";

const kinds = (expression: string) => lex(expression).map((t) => `${t.kind}:${String(t.value)}`);

describe("govaluate lexer", () => {
  it("reads numbers as float64, words as variables, quoted text as strings", () => {
    expect(kinds("12.5 == heads && 'a b' != \"c\"")).toEqual([
      "NUMERIC:12.5",
      "COMPARATOR:==",
      "VARIABLE:heads",
      "LOGICALOP:&&",
      "STRING:a b",
      "COMPARATOR:!=",
      "STRING:c",
    ]);
  });
  it("tells a prefix minus from a subtraction by the previous token", () => {
    expect(kinds("-1 - -2")).toEqual(["PREFIX:-", "NUMERIC:1", "MODIFIER:-", "PREFIX:-", "NUMERIC:2"]);
  });
  it("reads hex numbers, bracketed variables, booleans and in", () => {
    expect(kinds("0x1F in ([my var], true)")).toEqual([
      "NUMERIC:31",
      "COMPARATOR:in",
      "CLAUSE:(",
      "VARIABLE:my var",
      "SEPARATOR:,",
      "BOOLEAN:true",
      "CLAUSE_CLOSE:)",
    ]);
  });
  it("turns quoted dates into Unix seconds", () => {
    expect(lex("'2024-01-01T00:00:00Z'")[0]).toEqual({ kind: "TIME", value: Date.UTC(2024, 0, 1) / 1000 });
  });
  it("reads a run of symbol characters as one token and rejects unknown ones", () => {
    expect(() => lex("a ==- b")).toThrow("Invalid token: '==-'");
    expect(() => lex("'open")).toThrow("Unclosed string literal");
    expect(() => lex("(a")).toThrow("Unbalanced parenthesis");
  });
  it("checks which token may follow which", () => {
    expect(() => checkSyntax(lex("1 2"))).toThrow(
      "Cannot transition token types from NUMERIC [1] to NUMERIC [2]",
    );
    expect(() => checkSyntax(lex("a &&"))).toThrow("Unexpected end of expression");
    expect(() => checkSyntax(lex("a == b"))).not.toThrow();
  });
});

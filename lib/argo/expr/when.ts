/**
 * Argo's `when` evaluation: github.com/Knetic/govaluate with every bare identifier turned into a string
 * literal (so `heads == heads` compares strings). Hand-written: there is no JS port of govaluate, and its
 * quirks (float64-only numbers, type checks, date strings, lexing rules) decide real workflows' branches.
 */
import { ExpressionError } from "./errors";
import { goSprintFloat64 } from "./exprlang/values";
import { evaluate } from "./govaluate/evaluate";
import { checkPatterns, checkSyntax, lex } from "./govaluate/lexer";
import { type GNode, GParser } from "./govaluate/parser";
import type { GToken } from "./govaluate/tokens";

/**
 * Evaluates a (substituted) `when` expression the way Argo's shouldExecute does. An empty expression is
 * true. Throws ExpressionError with Argo's wording when it does not parse, fails, or is not a boolean.
 */
export function evaluateWhen(expression: string): boolean {
  // Pure in its input, so results (and errors) are memoised for the loops that evaluate one text many times.
  const cached = whenCache.get(expression);
  if (cached !== undefined) {
    if (cached instanceof ExpressionError) throw cached;
    return cached;
  }
  let outcome: boolean | ExpressionError;
  try {
    outcome = evaluateUncached(expression);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    outcome = error;
  }
  if (whenCache.size >= 1000) whenCache.clear();
  whenCache.set(expression, outcome);
  if (outcome instanceof ExpressionError) throw outcome;
  return outcome;
}

const whenCache = new Map<string, boolean | ExpressionError>();

function evaluateUncached(expression: string): boolean {
  if (expression === "") return true;
  let tokens: GToken[];
  try {
    tokens = lex(expression);
    checkSyntax(tokens);
    checkPatterns(tokens);
  } catch (cause) {
    const message = (cause as Error).message;
    const hint = message.includes("Invalid token")
      ? ` (hint: try wrapping the affected expression in quotes ("))`
      : "";
    throw new ExpressionError(`Invalid 'when' expression '${expression}': ${message}${hint}`, expression, {
      cause,
    });
  }
  // Argo turns govaluate variables into strings: `foo != bar` needs no quotes.
  const literalTokens = tokens.map(
    (t): GToken => (t.kind === "VARIABLE" ? { kind: "STRING", value: t.value } : t),
  );
  let tree: GNode | undefined;
  try {
    checkSyntax(literalTokens);
    checkPatterns(literalTokens);
    tree = new GParser(literalTokens).parse();
  } catch (cause) {
    throw new ExpressionError(
      `Failed to parse 'when' expression '${expression}': ${(cause as Error).message}`,
      expression,
      {
        cause,
      },
    );
  }
  let result: unknown;
  try {
    result = tree ? evaluate(tree) : null;
  } catch (cause) {
    throw new ExpressionError(
      `Failed to evaluate 'when' expresion '${expression}': ${(cause as Error).message}`,
      expression,
      {
        cause,
      },
    );
  }
  if (typeof result !== "boolean") {
    throw new ExpressionError(
      `Expected boolean evaluation for '${expression}'. Got ${goSprintFloat64(result)}`,
      expression,
    );
  }
  return result;
}

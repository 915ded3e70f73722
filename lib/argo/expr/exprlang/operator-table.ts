/**
 * expr-lang's operators (its lexer's and parser's tables, github.com/expr-lang/expr v1.17): read by the lexer and
 * the parser here, and by what writes expr-lang (lib/argo/expr-syntax.ts, the DSL's `ex` printer, the importer) to
 * know which names need quoting and where parentheses go. No imports, so the DSL's bundle stays small.
 */

/** The words expr-lang reads as operators. */
export const WORD_OPERATORS: ReadonlySet<string> = new Set([
  "in",
  "or",
  "and",
  "matches",
  "contains",
  "startsWith",
  "endsWith",
  "let",
  "if",
  "else",
]);
/** The operators `not` negates (`not in`, `not matches`, …). */
export const NEGATABLE_WORDS: ReadonlySet<string> = new Set([
  "in",
  "matches",
  "contains",
  "startsWith",
  "endsWith",
]);

export interface Operator {
  precedence: number;
  rightAssociative?: boolean;
}

export const UNARY_OPERATORS: Readonly<Record<string, Operator>> = {
  not: { precedence: 50 },
  "!": { precedence: 50 },
  "-": { precedence: 90 },
  "+": { precedence: 90 },
};

export const BINARY_OPERATORS: Readonly<Record<string, Operator>> = {
  "|": { precedence: 0 },
  or: { precedence: 10 },
  "||": { precedence: 10 },
  and: { precedence: 15 },
  "&&": { precedence: 15 },
  "==": { precedence: 20 },
  "!=": { precedence: 20 },
  "<": { precedence: 20 },
  ">": { precedence: 20 },
  ">=": { precedence: 20 },
  "<=": { precedence: 20 },
  in: { precedence: 20 },
  matches: { precedence: 20 },
  contains: { precedence: 20 },
  startsWith: { precedence: 20 },
  endsWith: { precedence: 20 },
  "..": { precedence: 25 },
  "+": { precedence: 30 },
  "-": { precedence: 30 },
  "*": { precedence: 60 },
  "/": { precedence: 60 },
  "%": { precedence: 60 },
  "**": { precedence: 100, rightAssociative: true },
  "^": { precedence: 100, rightAssociative: true },
  "??": { precedence: 500 },
};

/** A binary operator's entry; `not in`, `not matches`, … bind as the operator they negate. */
export function binaryOperator(op: string): Operator | undefined {
  const negated = op.startsWith("not ") ? op.slice(4) : op;
  return Object.hasOwn(BINARY_OPERATORS, negated) ? BINARY_OPERATORS[negated] : undefined;
}

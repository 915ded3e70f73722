/** govaluate's token kinds, lexer state table and operator symbols (github.com/Knetic/govaluate). */

export type Kind =
  | "UNKNOWN"
  | "PREFIX"
  | "NUMERIC"
  | "BOOLEAN"
  | "STRING"
  | "PATTERN"
  | "TIME"
  | "VARIABLE"
  | "FUNCTION"
  | "SEPARATOR"
  | "ACCESSOR"
  | "COMPARATOR"
  | "LOGICALOP"
  | "MODIFIER"
  | "CLAUSE"
  | "CLAUSE_CLOSE"
  | "TERNARY";

export interface GToken {
  kind: Kind;
  value: unknown;
}

export interface LexerState {
  isEOF: boolean;
  nullable: boolean;
  next: Kind[];
}

const valueKinds: Kind[] = [
  "PREFIX",
  "NUMERIC",
  "BOOLEAN",
  "VARIABLE",
  "PATTERN",
  "FUNCTION",
  "ACCESSOR",
  "STRING",
  "TIME",
  "CLAUSE",
];
const afterValue: Kind[] = ["MODIFIER", "COMPARATOR", "LOGICALOP", "CLAUSE_CLOSE", "TERNARY", "SEPARATOR"];

/** govaluate's lexer state table: which token kinds may follow which. */
export const states: Record<Kind, LexerState> = {
  UNKNOWN: { isEOF: false, nullable: true, next: valueKinds },
  CLAUSE: { isEOF: false, nullable: true, next: [...valueKinds, "CLAUSE_CLOSE"] },
  CLAUSE_CLOSE: {
    isEOF: true,
    nullable: true,
    next: [
      "COMPARATOR",
      "MODIFIER",
      "NUMERIC",
      "BOOLEAN",
      "VARIABLE",
      "STRING",
      "PATTERN",
      "TIME",
      "CLAUSE",
      "CLAUSE_CLOSE",
      "LOGICALOP",
      "TERNARY",
      "SEPARATOR",
    ],
  },
  NUMERIC: { isEOF: true, nullable: false, next: afterValue },
  BOOLEAN: { isEOF: true, nullable: false, next: afterValue },
  STRING: { isEOF: true, nullable: false, next: afterValue },
  TIME: {
    isEOF: true,
    nullable: false,
    next: ["MODIFIER", "COMPARATOR", "LOGICALOP", "CLAUSE_CLOSE", "SEPARATOR"],
  },
  PATTERN: {
    isEOF: true,
    nullable: false,
    next: ["MODIFIER", "COMPARATOR", "LOGICALOP", "CLAUSE_CLOSE", "SEPARATOR"],
  },
  VARIABLE: { isEOF: true, nullable: false, next: afterValue },
  MODIFIER: {
    isEOF: false,
    nullable: false,
    next: [
      "PREFIX",
      "NUMERIC",
      "VARIABLE",
      "FUNCTION",
      "ACCESSOR",
      "STRING",
      "BOOLEAN",
      "CLAUSE",
      "CLAUSE_CLOSE",
    ],
  },
  COMPARATOR: {
    isEOF: false,
    nullable: false,
    next: [
      "PREFIX",
      "NUMERIC",
      "BOOLEAN",
      "VARIABLE",
      "FUNCTION",
      "ACCESSOR",
      "STRING",
      "TIME",
      "CLAUSE",
      "CLAUSE_CLOSE",
      "PATTERN",
    ],
  },
  LOGICALOP: {
    isEOF: false,
    nullable: false,
    next: [
      "PREFIX",
      "NUMERIC",
      "BOOLEAN",
      "VARIABLE",
      "FUNCTION",
      "ACCESSOR",
      "STRING",
      "TIME",
      "CLAUSE",
      "CLAUSE_CLOSE",
    ],
  },
  PREFIX: {
    isEOF: false,
    nullable: false,
    next: ["NUMERIC", "BOOLEAN", "VARIABLE", "FUNCTION", "ACCESSOR", "CLAUSE", "CLAUSE_CLOSE"],
  },
  TERNARY: {
    isEOF: false,
    nullable: false,
    next: [
      "PREFIX",
      "NUMERIC",
      "BOOLEAN",
      "STRING",
      "TIME",
      "VARIABLE",
      "FUNCTION",
      "ACCESSOR",
      "CLAUSE",
      "SEPARATOR",
    ],
  },
  FUNCTION: { isEOF: false, nullable: false, next: ["CLAUSE"] },
  ACCESSOR: {
    isEOF: true,
    nullable: false,
    next: ["CLAUSE", "MODIFIER", "COMPARATOR", "LOGICALOP", "CLAUSE_CLOSE", "TERNARY", "SEPARATOR"],
  },
  SEPARATOR: {
    isEOF: false,
    nullable: true,
    next: ["PREFIX", "NUMERIC", "BOOLEAN", "STRING", "TIME", "VARIABLE", "FUNCTION", "ACCESSOR", "CLAUSE"],
  },
};

export const prefixSymbols = new Set(["-", "!", "~"]);
export const modifierSymbols = new Set(["+", "-", "*", "/", "%", "**", "&", "|", "^", ">>", "<<"]);
export const logicalSymbols = new Set(["&&", "||"]);
export const comparatorSymbols = new Set(["==", "!=", ">", ">=", "<", "<=", "=~", "!~", "in"]);
export const ternarySymbols = new Set(["?", ":", "??"]);

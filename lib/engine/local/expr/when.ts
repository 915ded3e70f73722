/**
 * Argo's `when` evaluation: github.com/Knetic/govaluate with every bare identifier turned into a string
 * literal (so `heads == heads` compares strings). Hand-written: there is no JS port of govaluate, and its
 * quirks (float64-only numbers, type checks, date strings, lexing rules) decide real workflows' branches.
 */
import { ExpressionError } from "./errors";
import { goRegExp } from "./exprlang/regexp";
import { deepEqual, goSprintFloat64 } from "./exprlang/values";

type Kind =
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

interface GToken {
  kind: Kind;
  value: unknown;
}

interface LexerState {
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
const states: Record<Kind, LexerState> = {
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

const prefixSymbols = new Set(["-", "!", "~"]);
const modifierSymbols = new Set(["+", "-", "*", "/", "%", "**", "&", "|", "^", ">>", "<<"]);
const logicalSymbols = new Set(["&&", "||"]);
const comparatorSymbols = new Set(["==", "!=", ">", ">=", "<", "<=", "=~", "!~", "in"]);
const ternarySymbols = new Set(["?", ":", "??"]);

// ASCII fast paths; the Unicode classes mirror Go's unicode.IsSpace / IsDigit / IsLetter.
const isSpace = (c: string) =>
  c === " " ||
  c === "\n" ||
  c === "\t" ||
  c === "\r" ||
  (c > "~" && /\s/.test(c)) ||
  c === "\v" ||
  c === "\f";
const isDigit = (c: string) => (c >= "0" && c <= "9") || (c > "~" && /\p{Nd}/u.test(c));
const isLetter = (c: string) =>
  (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c > "~" && /\p{L}/u.test(c));
const isQuote = (c: string) => c === "'" || c === '"';
const isNumeric = (c: string) => isDigit(c) || c === ".";
const isVariableChar = (c: string) => isLetter(c) || isDigit(c) || c === "_" || c === ".";
const isSymbolChar = (c: string) => !(isDigit(c) || isLetter(c) || "()[]".includes(c) || isQuote(c));

class Stream {
  private pos = 0;
  private readonly chars: string[];

  constructor(text: string) {
    this.chars = [...text];
  }

  canRead(): boolean {
    return this.pos < this.chars.length;
  }

  read(): string {
    return this.chars[this.pos++];
  }

  rewind(n: number): void {
    this.pos -= n;
  }

  /**
   * govaluate's readUntilFalse: reads while `condition` holds; backslash escapes the next character;
   * `breakOnSpace` stops at whitespace once something was read. Returns the text and whether a terminator was met.
   */
  readUntilFalse(
    includeSpace: boolean,
    breakOnSpace: boolean,
    condition: (c: string) => boolean,
  ): [string, boolean] {
    let buffer = "";
    while (this.canRead()) {
      let c = this.read();
      if (c === "\\") {
        c = this.read() ?? "";
        buffer += c;
        continue;
      }
      if (isSpace(c)) {
        if (breakOnSpace && buffer.length > 0) return [buffer, true];
        if (!includeSpace) continue;
      }
      if (condition(c)) buffer += c;
      else {
        this.rewind(1);
        return [buffer, true];
      }
    }
    return [buffer, false];
  }

  /** readTokenUntilFalse: re-reads the current character as part of the token. */
  readToken(condition: (c: string) => boolean): string {
    this.rewind(1);
    return this.readUntilFalse(false, true, condition)[0];
  }
}

/** The date layouts govaluate recognises in quoted strings (then compared as Unix seconds). */
function tryParseTime(text: string): number | undefined {
  const iso =
    /^(\d{4})-(\d{2})-(\d{2})(?:(?:T| )(\d{2})(?::(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
      text,
    );
  if (!iso) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = iso;
  const separator = text[10];
  // "2006-01-02T15Z0700"-style layouts need a zone; the space-separated ones must not have "T".
  if (h !== undefined && separator === "T" && zone === undefined && mi === undefined) return undefined;
  if (h !== undefined && mi === undefined && separator === " ") return undefined;
  const local = zone === undefined;
  const fields = [
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(s ?? 0),
    Math.floor(Number(frac ?? 0) * 1000),
  ] as const;
  let ms = local ? new Date(...fields).getTime() : Date.UTC(...fields);
  if (!local && zone !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return undefined;
  return Math.floor(ms / 1000);
}

function lex(expression: string): GToken[] {
  const stream = new Stream(expression);
  const tokens: GToken[] = [];
  let state = states.UNKNOWN;
  while (stream.canRead()) {
    const token = readToken(stream, state);
    if (!token) break;
    state = states[token.kind];
    tokens.push(token);
  }
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === "CLAUSE") depth++;
    if (t.kind === "CLAUSE_CLOSE") depth--;
  }
  if (depth !== 0) throw new Error("Unbalanced parenthesis");
  return tokens;
}

function readToken(stream: Stream, state: LexerState): GToken | undefined {
  while (stream.canRead()) {
    const c = stream.read();
    if (isSpace(c)) continue;
    if (isNumeric(c)) {
      if (c === "0" && stream.canRead()) {
        const x = stream.read();
        if (x === "x" && stream.canRead()) {
          const [hex] = stream.readUntilFalse(false, true, (h) => /[0-9a-fA-F]/.test(h));
          if (!/^[0-9a-fA-F]+$/.test(hex)) throw new Error(`Unable to parse hex value '${hex}' to uint64`);
          return { kind: "NUMERIC", value: Number.parseInt(hex, 16) };
        }
        stream.rewind(1);
      }
      const text = stream.readToken(isNumeric);
      if (!/^(\d+\.?\d*|\.\d+)$/.test(text))
        throw new Error(`Unable to parse numeric value '${text}' to float64`);
      return { kind: "NUMERIC", value: Number(text) };
    }
    if (c === ",") return { kind: "SEPARATOR", value: "," };
    if (c === "[") {
      const [name, completed] = stream.readUntilFalse(true, false, (ch) => ch !== "]");
      if (!completed) throw new Error("Unclosed parameter bracket");
      stream.rewind(-1);
      return { kind: "VARIABLE", value: name };
    }
    if (isLetter(c)) {
      const word = stream.readToken(isVariableChar);
      if (word === "true" || word === "false") return { kind: "BOOLEAN", value: word === "true" };
      if (word === "in" || word === "IN") return { kind: "COMPARATOR", value: "in" };
      if (word.indexOf(".") > 0) {
        if (word.endsWith(".")) throw new Error(`Hanging accessor on token '${word}'`);
        const parts = word.split(".");
        for (const part of parts.slice(1)) {
          const first = [...part][0] ?? "";
          if (first.toUpperCase() !== first) {
            throw new Error(`Unable to access unexported field '${part}' in token '${word}'`);
          }
        }
        return { kind: "ACCESSOR", value: parts };
      }
      return { kind: "VARIABLE", value: word };
    }
    if (isQuote(c)) {
      const [text, completed] = stream.readUntilFalse(true, false, (ch) => !isQuote(ch));
      if (!completed) throw new Error("Unclosed string literal");
      stream.rewind(-1);
      const time = tryParseTime(text);
      return time === undefined ? { kind: "STRING", value: text } : { kind: "TIME", value: time };
    }
    if (c === "(") return { kind: "CLAUSE", value: "(" };
    if (c === ")") return { kind: "CLAUSE_CLOSE", value: ")" };
    const symbol = stream.readToken(isSymbolChar);
    if (state.next.includes("PREFIX") && prefixSymbols.has(symbol)) return { kind: "PREFIX", value: symbol };
    if (modifierSymbols.has(symbol)) return { kind: "MODIFIER", value: symbol };
    if (logicalSymbols.has(symbol)) return { kind: "LOGICALOP", value: symbol };
    if (comparatorSymbols.has(symbol)) return { kind: "COMPARATOR", value: symbol };
    if (ternarySymbols.has(symbol)) return { kind: "TERNARY", value: symbol };
    throw new Error(`Invalid token: '${symbol}'`);
  }
  return undefined;
}

function checkSyntax(tokens: GToken[]): void {
  let state = states.UNKNOWN;
  let last: GToken | undefined;
  for (const token of tokens) {
    if (!state.next.includes(token.kind)) {
      if (last?.kind === "VARIABLE" && token.kind === "CLAUSE")
        throw new Error(`Undefined function ${String(last.value)}`);
      const from = `${last ? last.kind : "UNKNOWN"} [${last ? display(last) : "<nil>"}]`;
      throw new Error(`Cannot transition token types from ${from} to ${token.kind} [${display(token)}]`);
    }
    state = states[token.kind];
    last = token;
  }
  if (!state.isEOF) throw new Error("Unexpected end of expression");
}

/** govaluate precompiles a literal string on the right of =~ / !~, so a bad pattern is a parse error. */
function checkPatterns(tokens: GToken[]): void {
  tokens.forEach((t, i) => {
    const next = tokens[i + 1];
    if (t.kind === "COMPARATOR" && (t.value === "=~" || t.value === "!~") && next?.kind === "STRING") {
      goRegExp(String(next.value));
    }
  });
}

function display(token: GToken): string {
  if (Array.isArray(token.value)) return `[${token.value.join(" ")}]`;
  return goSprintFloat64(token.value);
}

type GNode =
  | { kind: "literal"; value: unknown }
  | { kind: "accessor"; path: string[] }
  | { kind: "prefix"; op: string; operand: GNode }
  | { kind: "binary"; op: string; left: GNode; right: GNode };

/** Precedence levels, loosest first, as govaluate's stage planner nests them. */
const levels: Array<{ kinds: Kind[]; symbols: Set<string> }> = [
  { kinds: ["SEPARATOR"], symbols: new Set([","]) },
  { kinds: ["TERNARY"], symbols: ternarySymbols },
  { kinds: ["LOGICALOP"], symbols: new Set(["||"]) },
  { kinds: ["LOGICALOP"], symbols: new Set(["&&"]) },
  { kinds: ["COMPARATOR"], symbols: comparatorSymbols },
  { kinds: ["MODIFIER"], symbols: new Set(["&", "|", "^"]) },
  { kinds: ["MODIFIER"], symbols: new Set([">>", "<<"]) },
  { kinds: ["MODIFIER"], symbols: new Set(["+", "-"]) },
  { kinds: ["MODIFIER"], symbols: new Set(["*", "/", "%"]) },
  { kinds: ["MODIFIER"], symbols: new Set(["**"]) },
];

class GParser {
  private index = 0;

  constructor(private readonly tokens: GToken[]) {}

  parse(): GNode | undefined {
    if (this.tokens.length === 0) return undefined;
    const node = this.level(0);
    if (this.index < this.tokens.length)
      throw new Error(`Unexpected token ${display(this.tokens[this.index])}`);
    return node;
  }

  private peek(): GToken | undefined {
    return this.tokens[this.index];
  }

  /** Binary operators of one level, left-associative (govaluate reorders same-precedence chains so). */
  private level(i: number): GNode {
    if (i >= levels.length) return this.value();
    let left = this.level(i + 1);
    for (;;) {
      const t = this.peek();
      const { kinds, symbols } = levels[i];
      if (!t || !kinds.includes(t.kind) || typeof t.value !== "string" || !symbols.has(t.value)) return left;
      this.index++;
      const right = this.level(i + 1);
      left = { kind: "binary", op: t.value, left, right };
    }
  }

  private value(): GNode {
    const t = this.peek();
    if (!t) throw new Error("Unexpected end of expression");
    this.index++;
    switch (t.kind) {
      case "CLAUSE": {
        if (this.peek()?.kind === "CLAUSE_CLOSE") {
          this.index++;
          return { kind: "literal", value: null };
        }
        const inner = this.level(0);
        if (this.peek()?.kind !== "CLAUSE_CLOSE") throw new Error("Unbalanced parenthesis");
        this.index++;
        return inner;
      }
      case "PREFIX":
        return { kind: "prefix", op: String(t.value), operand: this.value() };
      case "NUMERIC":
      case "STRING":
      case "BOOLEAN":
      case "TIME":
      case "PATTERN":
        return { kind: "literal", value: t.value };
      case "ACCESSOR":
        return { kind: "accessor", path: t.value as string[] };
      default:
        throw new Error(`Unable to plan token kind: '${t.kind}', value: '${display(t)}'`);
    }
  }
}

const isNumber = (v: unknown): v is number => typeof v === "number";
const isString = (v: unknown): v is string => typeof v === "string";
const isBool = (v: unknown): v is boolean => typeof v === "boolean";

const errorFormats = {
  logical: (v: unknown, op: string) =>
    `Value '${goSprintFloat64(v)}' cannot be used with the logical operator '${op}', it is not a bool`,
  modifier: (v: unknown, op: string) =>
    `Value '${goSprintFloat64(v)}' cannot be used with the modifier '${op}', it is not a number`,
  comparator: (v: unknown, op: string) =>
    `Value '${goSprintFloat64(v)}' cannot be used with the comparator '${op}', it is not a number`,
  ternary: (v: unknown, op: string) =>
    `Value '${goSprintFloat64(v)}' cannot be used with the ternary operator '${op}', it is not a bool`,
  prefix: (v: unknown, op: string) => `Value '${goSprintFloat64(v)}' cannot be used with the prefix '${op}'`,
};

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

function evaluate(node: GNode): unknown {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "accessor":
      throw new Error(`No parameter '${node.path[0]}' found.`);
    case "prefix": {
      const v = evaluate(node.operand);
      if (node.op === "-") {
        check(isNumber(v), errorFormats.prefix(v, "-"));
        return -(v as number);
      }
      if (node.op === "!") {
        check(isBool(v), errorFormats.prefix(v, "!"));
        return !v;
      }
      check(isNumber(v), errorFormats.prefix(v, "~"));
      return Number(~BigInt.asIntN(64, BigInt(Math.trunc(v as number))));
    }
    case "binary":
      return evaluateBinary(node.op, node.left, node.right);
  }
}

function evaluateBinary(op: string, leftNode: GNode, rightNode: GNode): unknown {
  const left = evaluate(leftNode);
  // Short-circuits, as govaluate's evaluateStage does before evaluating the right side.
  if (op === "&&" && left === false) return false;
  if (op === "||" && left === true) return true;
  if (op === "??" && left !== null) return left;
  if (op === "?" && left === false) return null;
  if (op === ":" && left !== null) return left;
  const right = evaluate(rightNode);
  switch (op) {
    case ",":
      return Array.isArray(left) ? [...left, right] : [left, right];
    case "&&":
    case "||":
      check(isBool(left), errorFormats.logical(left, op));
      check(isBool(right), errorFormats.logical(right, op));
      return op === "&&" ? (left as boolean) && (right as boolean) : (left as boolean) || (right as boolean);
    case "?":
      check(isBool(left), errorFormats.ternary(left, op));
      return left ? right : null;
    case ":":
    case "??":
      return left ?? right;
    case "==":
      return deepEqual(left, right) && typeof left === typeof right;
    case "!=":
      return !(deepEqual(left, right) && typeof left === typeof right);
    case ">":
    case "<":
    case ">=":
    case "<=": {
      const comparable = (isNumber(left) && isNumber(right)) || (isString(left) && isString(right));
      check(comparable, errorFormats.comparator(left, op));
      const l = left as number | string;
      const r = right as number | string;
      return op === ">" ? l > r : op === "<" ? l < r : op === ">=" ? l >= r : l <= r;
    }
    case "=~":
    case "!~": {
      check(isString(left), errorFormats.comparator(left, op === "=~" ? "=~" : "!~"));
      check(isString(right), errorFormats.comparator(right, op));
      let pattern: RegExp;
      try {
        pattern = goRegExp(right as string);
      } catch (cause) {
        throw new Error(`Unable to compile regexp pattern '${String(right)}': ${(cause as Error).message}`);
      }
      const matched = pattern.test(left as string);
      return op === "=~" ? matched : !matched;
    }
    case "in":
      check(Array.isArray(right), errorFormats.comparator(right, "in"));
      return (right as unknown[]).some((v) => v === left);
    case "+":
      if (isString(left) || isString(right)) return goSprintFloat64(left) + goSprintFloat64(right);
      check(isNumber(left) && isNumber(right), errorFormats.modifier(left, op));
      return (left as number) + (right as number);
    default: {
      check(isNumber(left), errorFormats.modifier(left, op));
      check(isNumber(right), errorFormats.modifier(right, op));
      const l = left as number;
      const r = right as number;
      const int = (n: number) => BigInt.asIntN(64, BigInt(Math.trunc(n)));
      const uint = (n: number) => BigInt.asUintN(64, BigInt(Math.trunc(n)));
      switch (op) {
        case "-":
          return l - r;
        case "*":
          return l * r;
        case "/":
          return l / r;
        case "%":
          return l % r;
        case "**":
          return l ** r;
        case "&":
          return Number(int(l) & int(r));
        case "|":
          return Number(int(l) | int(r));
        case "^":
          return Number(int(l) ^ int(r));
        case "<<":
          return Number(BigInt.asUintN(64, uint(l) << uint(r)));
        default:
          return Number(uint(l) >> uint(r));
      }
    }
  }
}

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

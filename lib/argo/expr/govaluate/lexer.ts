/** govaluate's lexer and its token-sequence checks (parsing.go, lexerState.go). */
import { goRegExp } from "../exprlang/regexp";
import { goSprintFloat64 } from "../exprlang/values";
import {
  comparatorSymbols,
  type GToken,
  type LexerState,
  logicalSymbols,
  modifierSymbols,
  prefixSymbols,
  states,
  ternarySymbols,
} from "./tokens";

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

export function lex(expression: string): GToken[] {
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

export function checkSyntax(tokens: GToken[]): void {
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
export function checkPatterns(tokens: GToken[]): void {
  tokens.forEach((t, i) => {
    const next = tokens[i + 1];
    if (t.kind === "COMPARATOR" && (t.value === "=~" || t.value === "!~") && next?.kind === "STRING") {
      goRegExp(String(next.value));
    }
  });
}

export function display(token: GToken): string {
  if (Array.isArray(token.value)) return `[${token.value.join(" ")}]`;
  return goSprintFloat64(token.value);
}

/**
 * Tokenizer for the expr-lang (github.com/expr-lang/expr) syntax Argo evaluates in `{{=…}}`, `depends`,
 * hooks and retry expressions.
 */
import { NEGATABLE_WORDS, WORD_OPERATORS } from "./operator-table";

export type TokenKind = "identifier" | "number" | "string" | "operator" | "bracket" | "eof";

export interface Token {
  kind: TokenKind;
  value: string;
  /** Offset in the source. */
  pos: number;
}

export class LexError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

const isDigit = (c: string) => c >= "0" && c <= "9";
export const isIdentChar = (c: string | undefined): boolean =>
  c !== undefined &&
  ((c >= "a" && c <= "z") ||
    (c >= "A" && c <= "Z") ||
    c === "_" ||
    c === "$" ||
    isDigit(c) ||
    (c > "~" && /\p{L}/u.test(c)));

const simpleEscapes: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
};

/** Go-style escape decoding of a quoted string body. */
function decodeEscapes(body: string, quote: string, pos: number): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e in simpleEscapes) {
      if ((e === "'" || e === '"') && e !== quote) throw new LexError("invalid char escape", pos + i);
      out += simpleEscapes[e];
    } else if (e === "x" || e === "u" || e === "U") {
      const len = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len)
        throw new LexError("invalid char escape", pos + i);
      out += String.fromCodePoint(Number.parseInt(hex, 16));
      i += len;
    } else if (e >= "0" && e <= "7") {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw new LexError("invalid char escape", pos + i);
      out += String.fromCharCode(Number.parseInt(oct, 8));
      i += 2;
    } else {
      throw new LexError("invalid char escape", pos + i);
    }
  }
  return out;
}

export function tokenize(source: string): Token[] {
  const src = source.replace(/\r\n?/g, "\n");
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, value: string, pos: number) => tokens.push({ kind, value, pos });

  while (i < src.length) {
    const c = src[i];
    const start = i;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "/" && src[i + 1] === "/") {
      while (i < src.length && src[i] !== "\n") i++;
    } else if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      if (end < 0) throw new LexError("unclosed comment", i);
      i = end + 2;
    } else if (c === "'" || c === '"') {
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === "\\") i++;
        if (src[i] === "\n") throw new LexError("literal not terminated", start);
        i++;
      }
      if (i >= src.length) throw new LexError("literal not terminated", start);
      push("string", decodeEscapes(src.slice(start + 1, i), c, start + 1), start);
      i++;
    } else if (c === "`") {
      const end = src.indexOf("`", i + 1);
      if (end < 0) throw new LexError("literal not terminated", start);
      push("string", src.slice(i + 1, end), start);
      i = end + 1;
    } else if (isDigit(c) || (c === "." && isDigit(src[i + 1] ?? ""))) {
      i = scanNumber(src, i);
      push("number", src.slice(start, i), start);
    } else if (c === "?") {
      i++;
      if (src[i] === "." || src[i] === "?") i++;
      push("operator", src.slice(start, i), start);
    } else if (c === "#") {
      i++;
      push("operator", "#", start);
      const nameStart = i;
      while (isIdentChar(src[i])) i++;
      if (i > nameStart) push("identifier", src.slice(nameStart, i), nameStart);
    } else if (
      c === "|" ||
      c === ":" ||
      c === "&" ||
      c === "!" ||
      c === "=" ||
      c === "*" ||
      c === "<" ||
      c === ">"
    ) {
      i++;
      const second = src[i];
      const doubles: Record<string, string> = {
        "|": "|",
        ":": ":",
        "&": "&=*",
        "!": "&=*",
        "=": "&=*",
        "*": "&=*",
      };
      const allowed = doubles[c] ?? "&=*";
      if (second !== undefined && allowed.includes(second)) i++;
      push("operator", src.slice(start, i), start);
    } else if ("([{".includes(c) || ")]}".includes(c)) {
      i++;
      push("bracket", c, start);
    } else if (",;%+-^/".includes(c)) {
      i++;
      push("operator", c, start);
    } else if (c === ".") {
      i++;
      if (src[i] === ".") i++;
      push("operator", src.slice(start, i), start);
    } else if (isIdentChar(c)) {
      while (isIdentChar(src[i])) i++;
      const word = src.slice(start, i);
      if (word === "not") {
        push("operator", "not", start);
        // "not in", "not matches", …: the following word becomes an operator too.
        let j = i;
        while (j < src.length && /\s/.test(src[j])) j++;
        let k = j;
        while (isIdentChar(src[k])) k++;
        const next = src.slice(j, k);
        if (NEGATABLE_WORDS.has(next)) {
          push("operator", next, j);
          i = k;
        }
      } else {
        push(WORD_OPERATORS.has(word) ? "operator" : "identifier", word, start);
      }
    } else {
      throw new LexError(`unrecognized character: ${JSON.stringify(c)}`, i);
    }
  }
  push("eof", "", src.length);
  return tokens;
}

function scanNumber(src: string, start: number): number {
  let i = start;
  let digits = /[0-9_]/;
  if (src[i] === "0" && /[xXoObB]/.test(src[i + 1] ?? "")) {
    const base = src[i + 1].toLowerCase();
    digits = base === "x" ? /[0-9a-fA-F_]/ : base === "o" ? /[0-7_]/ : /[01_]/;
    i += 2;
  }
  while (i < src.length && digits.test(src[i])) i++;
  if (src[i] === "." && src[i + 1] !== ".") {
    i++;
    while (i < src.length && digits.test(src[i])) i++;
  }
  if (/[eE]/.test(src[i] ?? "") && digits.source === "[0-9_]") {
    i++;
    if (src[i] === "+" || src[i] === "-") i++;
    while (i < src.length && /[0-9_]/.test(src[i])) i++;
  }
  if (isIdentChar(src[i]))
    throw new LexError(`bad number syntax: ${JSON.stringify(src.slice(start, i + 1))}`, start);
  return i;
}

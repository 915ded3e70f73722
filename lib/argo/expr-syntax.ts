// How text is written so that Argo's two expression readers read it back as meant: expr-lang (`{{=…}}`,
// `expression:` of outputs, hooks, retry and cron expressions) and govaluate (`when`, after Argo has
// substituted its `{{…}}` tags). The DSL writes with these; the readers in lib/argo/expr (used by the local
// engine and the schedules) are their counterpart.
import { WORD_OPERATORS } from "./expr/exprlang/operator-table";

/** Words expr-lang reads as operators or literals, so never as a bare member or variable name. */
const EXPR_RESERVED: ReadonlySet<string> = new Set([...WORD_OPERATORS, "not", "true", "false", "nil"]);

/** Whether `name` can be written bare in expr-lang (`tasks.a`), rather than indexed (`tasks['flip-coin']`). */
export function isExprIdentifier(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && !EXPR_RESERVED.has(name);
}

const EXPR_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "'": "\\'",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
  "\v": "\\v",
  "\x07": "\\a",
};

function hex(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * An expr-lang string literal: single-quoted, with backslash, quote and control characters escaped the way
 * expr-lang's lexer decodes them. `inTag`: the literal sits inside a `{{=…}}` tag, whose end Argo finds at the
 * first `}}` before expr-lang ever reads it, so braces are written as `\x7b`/`\x7d`.
 */
export function quoteExprString(value: string, inTag = false): string {
  let out = "'";
  for (const char of value) {
    const escaped = EXPR_ESCAPES[char];
    if (escaped !== undefined) out += escaped;
    else if (inTag && (char === "{" || char === "}")) out += hex(char);
    else if (/[\u0000-\u001f\u007f]/.test(char)) out += hex(char);
    else out += char;
  }
  return `${out}'`;
}

/**
 * A govaluate string literal for a `when`: single-quoted; govaluate ends a literal at either quote and takes
 * the character after a backslash as is, so backslashes and both quotes are escaped with one. Braces are escaped too, so that Argo's `{{…}}`
 * substitution, which runs first, never sees a tag in the literal.
 */
export function quoteGovaluateString(value: string): string {
  return `'${escapeGovaluate(value)}'`;
}

/** The body of a govaluate string literal (see `quoteGovaluateString`). */
export function escapeGovaluate(value: string): string {
  return value.replace(/[\\'"{}]/g, (char) => `\\${char}`);
}

// A YAML writer for JSON-like specs: block style, two-space indentation, keys in canonical order
// (ordered while writing, so there is no canonical copy), multi-line strings as literal block scalars, no
// line folding, no anchors. Scalars are spelled by ./yaml-scalar so that YAML 1.1 and 1.2 readers read the
// same values. Hand-written for speed: it runs for every scalar of a spec, mostly on a cold process, where a
// general-purpose dumper (which tests every scalar against every implicit type) was the slowest stage of
// `skiff build`.
import { doubleQuoted, isPrintable, numberScalar, readsAsOtherType, singleLineScalar } from "./yaml-scalar";

/** A value a spec cannot hold: a function, a symbol, a bigint. */
export class UnwritableValueError extends Error {}

const SIMPLE_MULTILINE = /^[\x20-\x7e\n]*$/;
// A last line of spaces only (or nothing but spaces and breaks): readers disagree whether a block scalar
// keeps it, so such strings get double quotes.
const BLANK_END = /(?:^|\n) +$|^[ \n]*$/;

/**
 * Plain for sure: starts with a letter, `_` or `/` (so it cannot read as a number, a date or `.inf`, nor
 * start with an indicator), is printable ASCII without `: ` or ` #`, does not end with a space or `:`,
 * and is no keyword.
 */
function isPlainSimple(text: string): boolean {
  // Built-ins only (a regular expression and substring searches): this runs for every scalar of a
  // spec, mostly on a cold process, where they are far faster than a loop over the characters.
  if (!PLAIN_SIMPLE.test(text) || text.includes(": ") || text.includes(" #")) return false;
  const last = text.charCodeAt(text.length - 1);
  if (last === 0x20 || last === 0x3a) return false;
  return text.length > 5 || !readsAsOtherType(text);
}

// A letter, `_` or `/` first, then printable ASCII.
const PLAIN_SIMPLE = /^[A-Za-z_/][\x20-\x7e]*$/;

function printableWithBreaks(text: string): boolean {
  if (SIMPLE_MULTILINE.test(text)) return true;
  for (const char of text) {
    const c = char.codePointAt(0) ?? 0;
    if (c !== 0x0a && !isPrintable(c)) return false;
  }
  return true;
}

/** A literal block scalar (`|`), its content indented by `indent` spaces. */
function literal(text: string, indent: number): string {
  const indicator = /^\n* /.test(text) ? "2" : "";
  const clip = text[text.length - 1] === "\n";
  const keep = clip && (text[text.length - 2] === "\n" || text === "\n");
  const chomp = keep ? "+" : clip ? "" : "-";
  const pad = " ".repeat(indent);
  let body = "";
  let position = 0;
  while (position < text.length) {
    const next = text.indexOf("\n", position);
    const end = next === -1 ? text.length : next + 1;
    const line = text.slice(position, end);
    if (line.length > 0 && line !== "\n") body += pad;
    body += line;
    position = end;
  }
  if (body[body.length - 1] === "\n") body = body.slice(0, -1);
  return `|${indicator}${chomp}\n${body}`;
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;
const isArrayIndex = (key: string) => ARRAY_INDEX.test(key) && Number(key) < 2 ** 32 - 1;

/**
 * The order of `Object.keys` of an object built by inserting `sorted` in order (the canonical copy):
 * JavaScript enumerates array-index keys first, ascending, then the others in insertion order.
 */
function ordered(sorted: string[]): string[] {
  if (!sorted.some((key) => key.charCodeAt(0) <= 0x39 && isArrayIndex(key))) return sorted;
  const indices = sorted.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
  return [...indices, ...sorted.filter((key) => !isArrayIndex(key))];
}

class Writer {
  // Scalars as written, per document (specs repeat many strings).
  private readonly rendered = new Map<string, string>();

  constructor(private readonly compareKeys: (a: string, b: string) => number) {}

  private singleLine(text: string): string {
    if (isPlainSimple(text)) return text;
    let out = this.rendered.get(text);
    if (out === undefined) {
      out = singleLineScalar(text);
      this.rendered.set(text, out);
    }
    return out;
  }

  // Keys as written, per document: a spec repeats a few dozen keys thousands of times.
  private readonly keys = new Map<string, string>();

  /** A key as written; one too long for an implicit key (over 1024 characters) is given as `? key`. */
  private key(key: string): string {
    let out = this.keys.get(key);
    if (out === undefined) {
      out = key.includes("\n") ? doubleQuoted(key) : this.singleLine(key);
      if (out.length > 1024) out = `? ${out}`;
      this.keys.set(key, out);
    }
    return out;
  }

  /** A scalar at `level` (a value of a mapping or an item of a sequence at level - 1), or undefined. */
  private scalar(value: unknown, level: number): string | undefined {
    switch (typeof value) {
      case "string":
        if (!value.includes("\n")) return this.singleLine(value);
        return printableWithBreaks(value) && !BLANK_END.test(value)
          ? literal(value, 2 * Math.max(1, level))
          : doubleQuoted(value);
      case "number":
        return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : numberScalar(value);
      case "boolean":
        return value ? "true" : "false";
      case "object":
        return value === null ? "null" : undefined;
      default:
        throw new UnwritableValueError(`a ${typeof value} cannot be written as YAML`);
    }
  }

  /** The node at `level`: a scalar, or a block collection starting on a new line unless `compact`. */
  node(value: unknown, level: number, compact: boolean): string {
    const scalar = this.scalar(value, level);
    if (scalar !== undefined) return scalar;
    if (Array.isArray(value)) return this.sequence(value, level, compact);
    return this.mapping(value as Record<string, unknown>, level, compact);
  }

  private sequence(items: readonly unknown[], level: number, compact: boolean): string {
    if (items.length === 0) return "[]";
    let out = "";
    const newline = `\n${"  ".repeat(level)}`;
    for (const item of items) {
      if (!compact || out !== "") out += newline;
      const written = this.node(item === undefined ? null : item, level + 1, true);
      out += written.charCodeAt(0) === 0x0a ? "-" : "- ";
      out += written;
    }
    return out;
  }

  // Sorted key lists by the object's own key list: a spec repeats a few shapes (tasks, parameters).
  private readonly shapes = new Map<string, string[]>();

  private sortedKeys(object: Record<string, unknown>): string[] {
    // One pass, no callback: this runs for every object of a spec, mostly on a cold process.
    const own: string[] = [];
    let shape = "";
    for (const key of Object.keys(object)) {
      if (object[key] === undefined) continue;
      own.push(key);
      shape += `${key.length}:${key}`; // length-prefixed: no two key lists spell the same shape
    }
    let keys = this.shapes.get(shape);
    if (keys === undefined) {
      keys = ordered(own.sort(this.compareKeys));
      this.shapes.set(shape, keys);
    }
    return keys;
  }

  private mapping(object: Record<string, unknown>, level: number, compact: boolean): string {
    const keys = this.sortedKeys(object);
    if (keys.length === 0) return "{}";
    let out = "";
    const newline = `\n${"  ".repeat(level)}`;
    for (const key of keys) {
      if (!compact || out !== "") out += newline;
      const written = this.node(object[key], level + 1, false);
      const name = this.key(key);
      // An explicit key (`? key`) puts its `:` on a line of its own.
      out += name.charCodeAt(0) === 0x3f ? `${name}${newline}` : name;
      out += written.charCodeAt(0) === 0x0a ? ":" : ": ";
      out += written;
    }
    return out;
  }
}

/** The YAML of a value whose objects are written with keys in `compareKeys` order (undefined members dropped). */
export function writeYaml(value: unknown, compareKeys: (a: string, b: string) => number): string {
  return `${new Writer(compareKeys).node(value, 0, true)}\n`;
}

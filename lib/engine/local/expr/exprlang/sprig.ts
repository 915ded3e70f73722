/**
 * The Sprig v3 generic functions (github.com/Masterminds/sprig) that Argo exposes as `sprig.<fn>` in
 * expressions, with Sprig's argument order and its lenient conversions (bad numbers become 0, …).
 * `env` and `expandenv` are left out, as in Argo.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { formatGoTime, parseGoTime, zeroTime } from "./gotime";
import { equal, RuntimeError } from "./operators";
import { goRegExp } from "./regexp";
import {
  deepEqual,
  type ExprFunction,
  formatDuration,
  goJsonMarshal,
  goSprint,
  goTypeName,
  isMap,
  isNil,
  parseDuration,
  setEntry,
} from "./values";

/** spf13/cast ToInt64 as Sprig uses it: lenient, 0 on failure. */
export function toInt64(v: unknown): number {
  if (typeof v === "number") return Number.isFinite(v) ? Math.trunc(v) : 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    const text = v.replace(/\.0*$/, "");
    if (/^[+-]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9]\d*|0)$/.test(text)) {
      const negative = text.startsWith("-");
      const body = text.replace(/^[+-]/, "");
      let n: number;
      if (/^0[xX]/.test(body)) n = Number.parseInt(body.slice(2), 16);
      else if (/^0[bB]/.test(body)) n = Number.parseInt(body.slice(2), 2);
      else if (/^0[oO]/.test(body)) n = Number.parseInt(body.slice(2), 8);
      else if (/^0\d/.test(body)) n = Number.parseInt(body.slice(1), 8);
      else n = Number.parseInt(body, 10);
      return negative ? -n : n;
    }
    return 0;
  }
  return 0;
}

/** spf13/cast ToFloat64: lenient, 0 on failure. */
export function toFloat64(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    const n = Number(v.trim() === "" ? Number.NaN : v);
    return Number.isNaN(n) ? 0 : n;
  }
  return 0;
}

/** Sprig's strval: strings as-is, everything else through %v. */
export function strval(v: unknown): string {
  return typeof v === "string" ? v : goSprint(v);
}

/** Sprig's notion of "empty" (used by default, empty, coalesce, compact, all, any). */
export function isEmpty(v: unknown): boolean {
  if (isNil(v)) return true;
  if (typeof v === "string") return v.length === 0;
  if (typeof v === "number") return v === 0;
  if (typeof v === "boolean") return !v;
  if (Array.isArray(v)) return v.length === 0;
  if (isMap(v)) return Object.keys(v).length === 0;
  if (v instanceof Date) return false;
  return false;
}

function list(name: string, v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  throw new RuntimeError(`Cannot find ${name} on type ${goTypeName(v)}`);
}

function dict(name: string, v: unknown): Record<string, unknown> {
  if (isMap(v)) return v;
  throw new RuntimeError(`${name}: expected a dict, got ${goTypeName(v)}`);
}

/** Sprig's date argument: time.Time, or unix seconds as an int; anything else means now. */
function toTime(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v === "number" && Number.isInteger(v)) return new Date(v * 1000);
  return new Date();
}

/** Go's strconv.Quote: named escapes, \xNN for other control bytes, printable Unicode kept. */
function goQuote(s: string): string {
  const named: Record<string, string> = {
    "\x07": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    '"': '\\"',
    "\\": "\\\\",
  };
  let out = '"';
  for (const c of s) {
    const code = c.codePointAt(0) ?? 0;
    if (named[c]) out += named[c];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += c;
  }
  return `${out}"`;
}

function title(s: string): string {
  return s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase());
}

function words(s: string): string[] {
  return s
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

/** Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}` (longest word; unknown groups are empty), `$$`. */
function expandTemplate(template: string, match: RegExpMatchArray): string {
  return template.replace(/\$(\$|\{(\w+)\}|(\w+))/g, (whole, _all, braced?: string, bare?: string) => {
    if (whole === "$$") return "$";
    const ref = braced ?? bare ?? "";
    const value = /^\d+$/.test(ref) ? match[Number(ref)] : match.groups?.[ref];
    return value ?? "";
  });
}

function base64Decode(s: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return "illegal base64 data at input byte 0";
  return Buffer.from(s, "base64").toString("utf8");
}

const base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32Encode(s: string): string {
  const bytes = Buffer.from(s, "utf8");
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32Alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += base32Alphabet[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += "=";
  return out;
}

function base32Decode(s: string): string {
  const clean = s.replace(/=+$/, "");
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of clean) {
    const index = base32Alphabet.indexOf(c);
    if (index < 0) return "illegal base32 data at input byte 0";
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out).toString("utf8");
}

function mustJson(v: unknown, indent = ""): string {
  return goJsonMarshal(v, indent);
}

function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, "utf8")) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function splitToDict(parts: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  parts.forEach((p, i) => {
    out[`_${i}`] = p;
  });
  return out;
}

export const sprigFunctions: Record<string, ExprFunction> = {
  // strings
  upper: (s) => strval(s).toUpperCase(),
  lower: (s) => strval(s).toLowerCase(),
  title: (s) => title(strval(s)),
  untitle: (s) => strval(s).replace(/(^|\s)(\S)/g, (_, sep: string, c: string) => sep + c.toLowerCase()),
  trim: (s) => strval(s).trim(),
  trimAll: (cutset, s) => {
    const cut = new Set(strval(cutset));
    const text = strval(s);
    let start = 0;
    let end = text.length;
    while (start < end && cut.has(text[start])) start++;
    while (end > start && cut.has(text[end - 1])) end--;
    return text.slice(start, end);
  },
  trimall: (cutset, s) => sprigFunctions.trimAll(cutset, s),
  trimPrefix: (prefix, s) => {
    const text = strval(s);
    const p = strval(prefix);
    return text.startsWith(p) ? text.slice(p.length) : text;
  },
  trimSuffix: (suffix, s) => {
    const text = strval(s);
    const p = strval(suffix);
    return p && text.endsWith(p) ? text.slice(0, -p.length) : text;
  },
  contains: (substr, s) => strval(s).includes(strval(substr)),
  hasPrefix: (prefix, s) => strval(s).startsWith(strval(prefix)),
  hasSuffix: (suffix, s) => strval(s).endsWith(strval(suffix)),
  replace: (from, to, s) => strval(s).replaceAll(strval(from), strval(to)),
  repeat: (count, s) => strval(s).repeat(Math.max(0, toInt64(count))),
  substr: (start, end, s) => {
    const text = strval(s);
    const a = toInt64(start);
    const b = toInt64(end);
    if (a < 0) return text.slice(0, b);
    if (b < 0 || b > text.length) return text.slice(a);
    return text.slice(a, b);
  },
  trunc: (count, s) => {
    const text = strval(s);
    const c = toInt64(count);
    if (c < 0 && text.length + c > 0) return text.slice(text.length + c);
    if (c >= 0 && text.length > c) return text.slice(0, c);
    return text;
  },
  abbrev: (width, s) => {
    const text = strval(s);
    const w = toInt64(width);
    if (w < 4 || text.length <= w) return text;
    return `${text.slice(0, w - 3)}...`;
  },
  nospace: (s) => strval(s).replace(/\s/g, ""),
  initials: (s) =>
    strval(s)
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => w[0])
      .join(""),
  cat: (...args) =>
    args
      .filter((a) => !isNil(a))
      .map(strval)
      .join(" "),
  indent: (spaces, s) => {
    const pad = " ".repeat(Math.max(0, toInt64(spaces)));
    return pad + strval(s).replaceAll("\n", `\n${pad}`);
  },
  nindent: (spaces, s) => `\n${sprigFunctions.indent(spaces, s)}`,
  quote: (...args) =>
    args
      .filter((a) => !isNil(a))
      .map((a) => goQuote(strval(a)))
      .join(" "),
  squote: (...args) =>
    args
      .filter((a) => !isNil(a))
      .map((a) => `'${strval(a)}'`)
      .join(" "),
  plural: (one, many, count) => (toInt64(count) === 1 ? one : many),
  snakecase: (s) =>
    words(strval(s))
      .map((w) => w.toLowerCase())
      .join("_"),
  kebabcase: (s) =>
    words(strval(s))
      .map((w) => w.toLowerCase())
      .join("-"),
  camelcase: (s) =>
    strval(s)
      .split("_")
      .map((w) => (w ? w[0].toUpperCase() + w.slice(1) : w))
      .join(""),
  swapcase: (s) =>
    [...strval(s)].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(""),
  wrap: (width, s) => sprigFunctions.wrapWith(width, "\n", s),
  wrapWith: (width, sep, s) => {
    const w = toInt64(width);
    const out: string[] = [];
    let line = "";
    for (const word of strval(s).split(/ +/)) {
      if (line && line.length + 1 + word.length > w) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) out.push(line);
    return out.join(strval(sep));
  },
  // splitting and joining
  splitList: (sep, s) => strval(s).split(strval(sep)),
  split: (sep, s) => splitToDict(strval(s).split(strval(sep))),
  splitn: (sep, n, s) => {
    const parts = strval(s).split(strval(sep));
    const count = toInt64(n);
    if (count > 0 && parts.length > count)
      parts.splice(count - 1, parts.length, parts.slice(count - 1).join(strval(sep)));
    return splitToDict(parts);
  },
  join: (sep, v) => {
    const items = Array.isArray(v) ? v : [v];
    return items
      .filter((x) => !isNil(x))
      .map(strval)
      .join(strval(sep));
  },
  toStrings: (v) => (Array.isArray(v) ? v.map(strval) : [strval(v)]),
  sortAlpha: (v) => (Array.isArray(v) ? v.map(strval).sort() : [strval(v)]),
  // conversion
  atoi: (s) => {
    const text = strval(s);
    return /^[+-]?\d+$/.test(text) ? Number.parseInt(text, 10) : 0;
  },
  int: (v) => toInt64(v),
  int64: (v) => toInt64(v),
  float64: (v) => toFloat64(v),
  toString: (v: unknown) => strval(v),
  toDecimal: (v) => {
    const n = Number.parseInt(strval(v), 8);
    return Number.isNaN(n) ? 0 : n;
  },
  // math
  add: (...args) => args.reduce<number>((total, a) => total + toInt64(a), 0),
  add1: (a) => toInt64(a) + 1,
  sub: (a, b) => toInt64(a) - toInt64(b),
  mul: (a, ...rest) => rest.reduce<number>((total, x) => total * toInt64(x), toInt64(a)),
  div: (a, b) => {
    const d = toInt64(b);
    if (d === 0) throw new RuntimeError("runtime error: integer divide by zero");
    return Math.trunc(toInt64(a) / d);
  },
  mod: (a, b) => {
    const d = toInt64(b);
    if (d === 0) throw new RuntimeError("runtime error: integer divide by zero");
    return toInt64(a) % d;
  },
  max: (a, ...rest) => rest.reduce<number>((best, x) => Math.max(best, toInt64(x)), toInt64(a)),
  min: (a, ...rest) => rest.reduce<number>((best, x) => Math.min(best, toInt64(x)), toInt64(a)),
  addf: (...args) => args.reduce<number>((total, a) => total + toFloat64(a), 0),
  add1f: (a) => toFloat64(a) + 1,
  subf: (a, ...rest) => rest.reduce<number>((total, x) => total - toFloat64(x), toFloat64(a)),
  mulf: (a, ...rest) => rest.reduce<number>((total, x) => total * toFloat64(x), toFloat64(a)),
  divf: (a, ...rest) => rest.reduce<number>((total, x) => total / toFloat64(x), toFloat64(a)),
  maxf: (a, ...rest) => rest.reduce<number>((best, x) => Math.max(best, toFloat64(x)), toFloat64(a)),
  minf: (a, ...rest) => rest.reduce<number>((best, x) => Math.min(best, toFloat64(x)), toFloat64(a)),
  floor: (a) => Math.floor(toFloat64(a)),
  ceil: (a) => Math.ceil(toFloat64(a)),
  round: (a, places, roundOn = 0.5) => {
    const p = 10 ** toInt64(places);
    const v = toFloat64(a) * p;
    const digit = Math.abs(v) - Math.floor(Math.abs(v));
    const rounded = digit >= toFloat64(roundOn) ? Math.ceil(Math.abs(v)) : Math.floor(Math.abs(v));
    return (Math.sign(v) * rounded) / p;
  },
  until: (n) => {
    const count = toInt64(n);
    const step = count < 0 ? -1 : 1;
    const out: number[] = [];
    for (let i = 0; step > 0 ? i < count : i > count; i += step) out.push(i);
    return out;
  },
  untilStep: (start, stop, step) => {
    const a = toInt64(start);
    const b = toInt64(stop);
    const s = toInt64(step);
    const out: number[] = [];
    if (s === 0 || (s > 0 && a >= b) || (s < 0 && a <= b)) return out;
    for (let i = a; s > 0 ? i < b : i > b; i += s) out.push(i);
    return out;
  },
  seq: (...args) => {
    const n = args.map(toInt64);
    const [start, step, end] =
      n.length === 1 ? [1, 1, n[0]] : n.length === 2 ? [n[0], n[0] <= n[1] ? 1 : -1, n[1]] : n;
    const out: number[] = [];
    if (step === 0) return "";
    for (let i = start; step > 0 ? i <= end : i >= end; i += step) out.push(i);
    return out.join(" ");
  },
  // defaults and flow
  default: (d, ...given) => (given.length === 0 || isEmpty(given[0]) ? d : given[0]),
  empty: (v) => isEmpty(v),
  coalesce: (...args) => args.find((a) => !isEmpty(a)) ?? null,
  all: (...args) => args.every((a) => !isEmpty(a)),
  any: (...args) => args.some((a) => !isEmpty(a)),
  ternary: (whenTrue, whenFalse, condition) => (condition === true ? whenTrue : whenFalse),
  fail: (message) => {
    throw new RuntimeError(strval(message));
  },
  // JSON
  toJson: (v) => {
    try {
      return mustJson(v);
    } catch {
      return "";
    }
  },
  mustToJson: (v) => mustJson(v),
  toPrettyJson: (v) => {
    try {
      return mustJson(v, "  ");
    } catch {
      return "";
    }
  },
  mustToPrettyJson: (v) => mustJson(v, "  "),
  toRawJson: (v) => {
    try {
      return mustJson(v)
        .replace(/\\u003c/g, "<")
        .replace(/\\u003e/g, ">")
        .replace(/\\u0026/g, "&");
    } catch {
      return "";
    }
  },
  fromJson: (s) => {
    try {
      return JSON.parse(strval(s));
    } catch {
      return null;
    }
  },
  mustFromJson: (s) => {
    try {
      return JSON.parse(strval(s));
    } catch (cause) {
      throw new RuntimeError(`mustFromJson: ${(cause as Error).message}`);
    }
  },
  // encoding and hashing
  b64enc: (s) => Buffer.from(strval(s), "utf8").toString("base64"),
  b64dec: (s) => base64Decode(strval(s)),
  b32enc: (s) => base32Encode(strval(s)),
  b32dec: (s) => base32Decode(strval(s)),
  sha1sum: (s) => createHash("sha1").update(strval(s)).digest("hex"),
  sha256sum: (s) => createHash("sha256").update(strval(s)).digest("hex"),
  sha512sum: (s) => createHash("sha512").update(strval(s)).digest("hex"),
  adler32sum: (s) => String(adler32(strval(s))),
  uuidv4: () => randomUUID(),
  // regular expressions
  regexMatch: (re, s) => goRegExp(strval(re)).test(strval(s)),
  mustRegexMatch: (re, s) => goRegExp(strval(re)).test(strval(s)),
  regexFind: (re, s) => goRegExp(strval(re)).exec(strval(s))?.[0] ?? "",
  regexFindAll: (re, s, n) => {
    const all = [...strval(s).matchAll(new RegExp(goRegExp(strval(re)).source, "g"))].map((m) => m[0]);
    const count = toInt64(n);
    return count < 0 ? all : all.slice(0, count);
  },
  regexReplaceAll: (re, s, repl) =>
    strval(s).replace(new RegExp(goRegExp(strval(re)).source, "g"), (...args) => {
      const groupsArg = args[args.length - 1];
      const hasGroups = typeof groupsArg === "object" && groupsArg !== null;
      const captures = args.slice(0, hasGroups ? -3 : -2) as string[];
      const match = Object.assign([...captures], {
        groups: hasGroups ? groupsArg : undefined,
      }) as RegExpMatchArray;
      return expandTemplate(strval(repl), match);
    }),
  regexReplaceAllLiteral: (re, s, repl) =>
    strval(s).replace(new RegExp(goRegExp(strval(re)).source, "g"), () => strval(repl)),
  regexSplit: (re, s, n) => {
    // Go's Regexp.Split: at most n parts, the last holding the unsplit rest.
    const text = strval(s);
    const count = toInt64(n);
    if (count === 0) return [];
    const parts: string[] = [];
    let start = 0;
    for (const m of text.matchAll(new RegExp(goRegExp(strval(re)).source, "g"))) {
      if (count > 0 && parts.length === count - 1) break;
      if (m[0] === "" && (m.index === 0 || m.index === text.length)) continue;
      parts.push(text.slice(start, m.index));
      start = (m.index ?? 0) + m[0].length;
    }
    parts.push(text.slice(start));
    return parts;
  },
  regexQuoteMeta: (s) => strval(s).replace(/[\\.+*?()|[\]{}^$]/g, "\\$&"),
  // lists
  list: (...args) => args,
  tuple: (...args) => args,
  first: (v) => list("first", v)[0] ?? null,
  last: (v) => {
    const l = list("last", v);
    return l.length ? l[l.length - 1] : null;
  },
  rest: (v) => list("rest", v).slice(1),
  initial: (v) => list("initial", v).slice(0, -1),
  append: (v, item) => [...list("append", v), item],
  push: (v, item) => [...list("push", v), item],
  prepend: (v, item) => [item, ...list("prepend", v)],
  concat: (...args) => args.flatMap((a) => list("concat", a)),
  reverse: (v) => [...list("reverse", v)].reverse(),
  uniq: (v) => {
    const out: unknown[] = [];
    for (const item of list("uniq", v)) if (!out.some((o) => deepEqual(o, item))) out.push(item);
    return out;
  },
  without: (v, ...omit) => list("without", v).filter((item) => !omit.some((o) => deepEqual(o, item))),
  has: (needle, v) => (isNil(v) ? false : list("has", v).some((item) => deepEqual(item, needle))),
  compact: (v) => list("compact", v).filter((item) => !isEmpty(item)),
  slice: (v, ...indices) => {
    const l = list("slice", v);
    const start = indices.length > 0 ? toInt64(indices[0]) : 0;
    const end = indices.length > 1 ? toInt64(indices[1]) : l.length;
    return l.slice(start, end);
  },
  // dictionaries
  dict: (...args) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < args.length; i += 2)
      setEntry(out, strval(args[i]), i + 1 < args.length ? args[i + 1] : "");
    return out;
  },
  get: (d, key) => {
    const m = dict("get", d);
    const k = strval(key);
    return Object.hasOwn(m, k) ? m[k] : "";
  },
  set: (d, key, value) => {
    const m = dict("set", d);
    setEntry(m, strval(key), value);
    return m;
  },
  unset: (d, key) => {
    const m = dict("unset", d);
    delete m[strval(key)];
    return m;
  },
  hasKey: (d, key) => Object.hasOwn(dict("hasKey", d), strval(key)),
  keys: (...dicts) => dicts.flatMap((d) => Object.keys(dict("keys", d))),
  values: (d) => Object.values(dict("values", d)),
  pluck: (key, ...dicts) => {
    const k = strval(key);
    return dicts
      .map((d) => dict("pluck", d))
      .filter((d) => Object.hasOwn(d, k))
      .map((d) => d[k]);
  },
  pick: (d, ...keys) => {
    const m = dict("pick", d);
    const out: Record<string, unknown> = {};
    for (const k of keys.map(strval)) if (Object.hasOwn(m, k)) out[k] = m[k];
    return out;
  },
  omit: (d, ...keys) => {
    const m = dict("omit", d);
    const drop = new Set(keys.map(strval));
    return Object.fromEntries(Object.entries(m).filter(([k]) => !drop.has(k)));
  },
  merge: (dst, ...srcs) => {
    const out = dict("merge", dst);
    for (const src of srcs)
      for (const [k, v] of Object.entries(dict("merge", src))) if (!(k in out)) out[k] = v;
    return out;
  },
  mergeOverwrite: (dst, ...srcs) => {
    const out = dict("mergeOverwrite", dst);
    for (const src of srcs) Object.assign(out, dict("mergeOverwrite", src));
    return out;
  },
  dig: (...args) => {
    if (args.length < 3) throw new RuntimeError("dig needs at least three arguments");
    const d = dict("dig", args[args.length - 1]);
    const fallback = args[args.length - 2];
    let current: unknown = d;
    for (const key of args.slice(0, -2).map(strval)) {
      if (!isMap(current) || !Object.hasOwn(current, key)) return fallback;
      current = current[key];
    }
    return current;
  },
  // type inspection
  kindOf: (v) => (Array.isArray(v) ? "slice" : isMap(v) ? "map" : isNil(v) ? "invalid" : goTypeName(v)),
  kindIs: (kind, v) => sprigFunctions.kindOf(v) === kind,
  typeOf: (v) => (isNil(v) ? "<nil>" : goTypeName(v)),
  typeIs: (t, v) => goTypeName(v) === t,
  deepEqual: (a, b) => deepEqual(a, b),
  eq: (a, b) => equal(a, b),
  // dates
  now: () => new Date(),
  date: (layout, d) => formatGoTime(toTime(d), strval(layout)),
  dateInZone: (layout, d, zone) => formatGoTime(toTime(d), strval(layout), /^(UTC|)$/i.test(strval(zone))),
  htmlDate: (d) => formatGoTime(toTime(d), "2006-01-02"),
  htmlDateInZone: (d, zone) => formatGoTime(toTime(d), "2006-01-02", /^(UTC|)$/i.test(strval(zone))),
  unixEpoch: (d) => String(Math.floor(toTime(d).getTime() / 1000)),
  duration: (seconds) => formatDuration(toInt64(seconds) * 1e9),
  ago: (d) => formatDuration(Math.round((Date.now() - toTime(d).getTime()) / 1000) * 1e9),
  toDate: (layout, s) => {
    try {
      return parseGoTime(strval(s), strval(layout), true);
    } catch {
      return new Date(zeroTime);
    }
  },
};

/** Random strings from a character set, with a cryptographic source as Sprig uses. */
function randomFrom(alphabet: string, count: unknown): string {
  const n = Math.max(0, toInt64(count));
  const bytes = randomBytes(n);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
}

const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const digits = "0123456789";
const printableAscii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");

function notSupported(name: string): ExprFunction {
  return () => {
    throw new RuntimeError(`sprig.${name} is not supported by the local engine`);
  };
}

function chunk(size: unknown, v: unknown): unknown[][] {
  const items = list("chunk", v);
  const n = toInt64(size);
  if (n <= 0) throw new RuntimeError("chunk: size must be positive");
  const out: unknown[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}

function durationRound(v: unknown): string {
  let ns = 0;
  if (typeof v === "string") {
    try {
      ns = parseDuration(v).nanoseconds;
    } catch {
      ns = 0;
    }
  } else if (typeof v === "number") ns = v;
  else if (v instanceof Date) ns = (Date.now() - v.getTime()) * 1e6;
  const abs = Math.abs(ns);
  const units: Array<[string, number]> = [
    ["y", 3.1536e16],
    ["mo", 2.592e15],
    ["d", 8.64e13],
    ["h", 3.6e12],
    ["m", 6e10],
    ["s", 1e9],
  ];
  for (const [unit, size] of units) if (abs >= size) return `${Math.floor(abs / size)}${unit}`;
  return "0s";
}

/** Sprig functions that are thin variants of others (must* raise instead of swallowing errors). */
const variants: Record<string, ExprFunction> = {
  hello: () => "Hello!",
  abbrevboth: (left, right, s) => {
    const text = strval(s);
    const l = toInt64(left);
    const r = toInt64(right);
    if (r < 4 || (l > 0 && r < 7) || text.length <= r) return text;
    let start = l > 3 ? l : 0;
    if (text.length - start < r - 3) start = text.length - (r - 3);
    if (start <= 4) return `${text.slice(0, r - 3)}...`;
    if (start + r - 3 < text.length) return `...${text.slice(start, start + r - 6)}...`;
    return `...${text.slice(text.length - (r - 3))}`;
  },
  randAlphaNum: (n) => randomFrom(letters + digits, n),
  randAlpha: (n) => randomFrom(letters, n),
  randNumeric: (n) => randomFrom(digits, n),
  randAscii: (n) => randomFrom(printableAscii, n),
  randInt: (min, max) => {
    const lo = toInt64(min);
    const hi = toInt64(max);
    return lo + Math.floor(Math.random() * Math.max(0, hi - lo));
  },
  randBytes: (n) => randomBytes(Math.max(0, toInt64(n))).toString("base64"),
  shuffle: (s) => {
    const chars = [...strval(s)];
    for (let i = chars.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    return chars.join("");
  },
  biggest: (a, ...rest) => rest.reduce<number>((best, x) => Math.max(best, toInt64(x)), toInt64(a)),
  typeIsLike: (t, v) => goTypeName(v) === t || `*${goTypeName(v)}` === t,
  deepCopy: (v) => (isNil(v) ? v : JSON.parse(goJsonMarshal(v))),
  base: (p) => path.posix.basename(strval(p)) || ".",
  dir: (p) => path.posix.dirname(strval(p)),
  clean: (p) => path.posix.normalize(strval(p)).replace(/(.)\/$/, "$1"),
  ext: (p) => path.posix.extname(strval(p)),
  isAbs: (p) => path.posix.isAbsolute(strval(p)),
  chunk,
  durationRound,
  dateModify: (modifier, d) => {
    try {
      return new Date(toTime(d).getTime() + parseDuration(strval(modifier)).nanoseconds / 1e6);
    } catch {
      return d;
    }
  },
  mustDateModify: (modifier, d) => {
    try {
      return new Date(toTime(d).getTime() + parseDuration(strval(modifier)).nanoseconds / 1e6);
    } catch (cause) {
      throw new RuntimeError((cause as Error).message);
    }
  },
  urlParse: (u) => {
    let url: URL;
    try {
      url = new URL(strval(u));
    } catch (cause) {
      throw new RuntimeError(`unable to parse url: ${(cause as Error).message}`);
    }
    return {
      scheme: url.protocol.replace(/:$/, ""),
      host: url.host,
      hostname: url.hostname,
      path: url.pathname,
      query: url.search.replace(/^\?/, ""),
      opaque: "",
      fragment: url.hash.replace(/^#/, ""),
      userinfo: url.username ? (url.password ? `${url.username}:${url.password}` : url.username) : "",
    };
  },
  urlJoin: (d) => {
    const m = dict("urlJoin", d);
    const scheme = strval(m.scheme ?? "");
    const userinfo = strval(m.userinfo ?? "");
    const host = strval(m.host ?? "");
    const query = strval(m.query ?? "");
    const fragment = strval(m.fragment ?? "");
    let out = scheme ? `${scheme}:` : "";
    if (host || userinfo) out += `//${userinfo ? `${userinfo}@` : ""}${host}`;
    out += strval(m.path ?? "");
    if (query) out += `?${query}`;
    if (fragment) out += `#${fragment}`;
    return out;
  },
};

for (const name of [
  "bcrypt",
  "htpasswd",
  "genPrivateKey",
  "derivePassword",
  "buildCustomCert",
  "genCA",
  "genCAWithKey",
  "genSelfSignedCert",
  "genSelfSignedCertWithKey",
  "genSignedCert",
  "genSignedCertWithKey",
  "encryptAES",
  "decryptAES",
  "semver",
  "semverCompare",
  "getHostByName",
]) {
  variants[name] = notSupported(name);
}

Object.assign(sprigFunctions, variants, {
  osBase: variants.base,
  osDir: variants.dir,
  osClean: variants.clean,
  osExt: variants.ext,
  osIsAbs: variants.isAbs,
  mustChunk: chunk,
  mustCompact: sprigFunctions.compact,
  mustToRawJson: (v: unknown) =>
    goJsonMarshal(v)
      .replace(/\\u003c/g, "<")
      .replace(/\\u003e/g, ">")
      .replace(/\\u0026/g, "&"),
  mustMerge: sprigFunctions.merge,
  mustMergeOverwrite: sprigFunctions.mergeOverwrite,
  mustAppend: sprigFunctions.append,
  mustPush: sprigFunctions.push,
  mustPrepend: sprigFunctions.prepend,
  mustFirst: sprigFunctions.first,
  mustRest: sprigFunctions.rest,
  mustLast: sprigFunctions.last,
  mustInitial: sprigFunctions.initial,
  mustReverse: sprigFunctions.reverse,
  mustUniq: sprigFunctions.uniq,
  mustWithout: sprigFunctions.without,
  mustHas: sprigFunctions.has,
  mustSlice: sprigFunctions.slice,
  mustDeepCopy: variants.deepCopy,
  mustRegexFind: sprigFunctions.regexFind,
  mustRegexFindAll: sprigFunctions.regexFindAll,
  mustRegexReplaceAll: sprigFunctions.regexReplaceAll,
  mustRegexReplaceAllLiteral: sprigFunctions.regexReplaceAllLiteral,
  mustRegexSplit: sprigFunctions.regexSplit,
  mustToDate: (layout: unknown, text: unknown) => {
    try {
      return parseGoTime(strval(text), strval(layout), true);
    } catch (cause) {
      throw new RuntimeError((cause as Error).message);
    }
  },
});

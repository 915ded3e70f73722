/** expr-lang's builtin functions (builtin/builtin.go), except the predicate ones, which the evaluator runs. */
import { formatGoTime, parseGoTime, zeroTime } from "./gotime";
import { equal, RuntimeError } from "./operators";
import {
  type ExprFunction,
  GoDuration,
  goJsonMarshal,
  goSprint,
  goTypeName,
  isMap,
  isNil,
  parseDuration,
  setEntry,
} from "./values";

function str(name: string, value: unknown): string {
  if (typeof value !== "string")
    throw new RuntimeError(`invalid argument for ${name} (type ${goTypeName(value)})`);
  return value;
}

function num(name: string, value: unknown): number {
  if (typeof value !== "number")
    throw new RuntimeError(`invalid argument for ${name} (type ${goTypeName(value)})`);
  return value;
}

function arr(name: string, value: unknown): unknown[] {
  if (!Array.isArray(value))
    throw new RuntimeError(`invalid argument for ${name} (type ${goTypeName(value)})`);
  return value;
}

function arity(name: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : `${min} or ${max}`;
    throw new RuntimeError(
      `invalid number of arguments for ${name} (expected ${expected}, got ${args.length})`,
    );
  }
}

/** Go's strconv.Atoi: optional sign and decimal digits only. */
export function toGoInt(value: unknown): number {
  if (typeof value === "number") return Math.trunc(value);
  if (typeof value === "string") {
    if (!/^[+-]?\d+$/.test(value)) throw new RuntimeError(`invalid operation: int(${value})`);
    return Number.parseInt(value, 10);
  }
  if (typeof value === "boolean") throw new RuntimeError("invalid operation: int(bool)");
  throw new RuntimeError(`invalid operation: int(${goTypeName(value)})`);
}

/** Go's strconv.ParseFloat (decimal, exponent, inf, nan). */
export function toGoFloat(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    const text = value.replaceAll("_", "");
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
    if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
    if (/^nan$/i.test(text)) return Number.NaN;
    throw new RuntimeError(`invalid operation: float(${value})`);
  }
  throw new RuntimeError(`invalid operation: float(${goTypeName(value)})`);
}

function flattenNumbers(name: string, args: unknown[]): number[] {
  const out: number[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else out.push(num(name, v));
  };
  args.forEach(visit);
  return out;
}

function minMax(name: string, args: unknown[], pick: (a: number, b: number) => boolean): unknown {
  const values = flattenNumbers(name, args);
  if (values.length === 0) return null;
  return values.reduce((best, v) => (pick(v, best) ? v : best));
}

/** The layouts expr's `date()` tries, in order, when none is given. */
const defaultDateLayouts = [
  "2006-01-02",
  "15:04:05",
  "2006-01-02 15:04:05",
  "2006-01-02T15:04:05Z07:00",
  "02 Jan 06 15:04 MST",
  "Monday, 02-Jan-06 15:04:05 MST",
  "Mon, 02 Jan 2006 15:04:05 MST",
];

function parseDate(args: unknown[]): Date {
  const text = str("date", args[0]);
  if (args.length >= 3) {
    const zone = str("date", args[2]);
    if (!/^(UTC|Local|)$/.test(zone)) throw new RuntimeError(`unknown time zone ${zone}`);
  }
  if (args.length >= 2) {
    try {
      return parseGoTime(text, str("date", args[1]), args[2] === "Local");
    } catch (cause) {
      throw new RuntimeError((cause as Error).message);
    }
  }
  for (const layout of defaultDateLayouts) {
    try {
      return parseGoTime(text, layout);
    } catch {
      // try the next layout
    }
  }
  throw new RuntimeError(`invalid date ${text}`);
}

function timeMethod(date: Date, name: string): ExprFunction | undefined {
  const methods: Record<string, ExprFunction> = {
    Unix: () => Math.floor(date.getTime() / 1000),
    UnixMilli: () => date.getTime(),
    UnixNano: () => date.getTime() * 1e6,
    Year: () => date.getUTCFullYear(),
    Month: () => date.getUTCMonth() + 1,
    Day: () => date.getUTCDate(),
    Hour: () => date.getUTCHours(),
    Minute: () => date.getUTCMinutes(),
    Second: () => date.getUTCSeconds(),
    Weekday: () => date.getUTCDay(),
    YearDay: () => Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1,
    Format: (layout) => formatGoTime(date, str("Format", layout), true),
    Add: (d) => {
      if (!(d instanceof GoDuration))
        throw new RuntimeError(`invalid argument for Add (type ${goTypeName(d)})`);
      return new Date(date.getTime() + d.nanoseconds / 1e6);
    },
    Sub: (t) => {
      if (!(t instanceof Date)) throw new RuntimeError(`invalid argument for Sub (type ${goTypeName(t)})`);
      return new GoDuration((date.getTime() - t.getTime()) * 1e6);
    },
    Before: (t) => t instanceof Date && date.getTime() < t.getTime(),
    After: (t) => t instanceof Date && date.getTime() > t.getTime(),
    Equal: (t) => t instanceof Date && date.getTime() === t.getTime(),
    IsZero: () => date.getTime() === zeroTime,
    UTC: () => date,
    Local: () => date,
    String: () => goSprint(date),
  };
  return methods[name];
}

function durationMethod(d: GoDuration, name: string): ExprFunction | undefined {
  const ns = d.nanoseconds;
  const methods: Record<string, ExprFunction> = {
    Hours: () => ns / 3.6e12,
    Minutes: () => ns / 6e10,
    Seconds: () => ns / 1e9,
    Milliseconds: () => Math.trunc(ns / 1e6),
    Microseconds: () => Math.trunc(ns / 1e3),
    Nanoseconds: () => ns,
    String: () => d.toString(),
    Abs: () => new GoDuration(Math.abs(ns)),
  };
  return methods[name];
}

/** Methods callable on non-map values (time.Time and time.Duration). */
export function methodOf(value: unknown, name: string): ExprFunction | undefined {
  if (value instanceof Date) return timeMethod(value, name);
  if (value instanceof GoDuration) return durationMethod(value, name);
  return undefined;
}

export const builtins: Record<string, ExprFunction> = {
  len: (...args) => {
    arity("len", args, 1);
    const v = args[0];
    if (typeof v === "string") return [...v].length;
    if (Array.isArray(v)) return v.length;
    if (isMap(v)) return Object.keys(v).length;
    throw new RuntimeError(`invalid argument for len (type ${goTypeName(v)})`);
  },
  type: (v) => {
    if (isNil(v)) return "nil";
    if (Array.isArray(v)) return "array";
    if (isMap(v)) return "map";
    if (v instanceof Date) return "time.Time";
    if (v instanceof GoDuration) return "time.Duration";
    if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
    if (typeof v === "function") return "func";
    return goTypeName(v);
  },
  abs: (v) => Math.abs(num("abs", v)),
  ceil: (v) => Math.ceil(num("ceil", v)),
  floor: (v) => Math.floor(num("floor", v)),
  round: (v) => {
    const n = num("round", v);
    return Math.sign(n) * Math.round(Math.abs(n));
  },
  int: (...args) => {
    arity("int", args, 1);
    return toGoInt(args[0]);
  },
  float: (...args) => {
    arity("float", args, 1);
    return toGoFloat(args[0]);
  },
  string: (v) => goSprint(v),
  trim: (...args) => {
    arity("trim", args, 1, 2);
    const s = str("trim", args[0]);
    if (args.length === 1) return s.trim();
    const cut = new Set(str("trim", args[1]));
    let start = 0;
    let end = s.length;
    while (start < end && cut.has(s[start])) start++;
    while (end > start && cut.has(s[end - 1])) end--;
    return s.slice(start, end);
  },
  trimPrefix: (s, prefix = " ") => {
    const text = str("trimPrefix", s);
    const p = str("trimPrefix", prefix);
    return text.startsWith(p) ? text.slice(p.length) : text;
  },
  trimSuffix: (s, suffix = " ") => {
    const text = str("trimSuffix", s);
    const p = str("trimSuffix", suffix);
    return p && text.endsWith(p) ? text.slice(0, text.length - p.length) : text;
  },
  upper: (s) => str("upper", s).toUpperCase(),
  lower: (s) => str("lower", s).toLowerCase(),
  split: (...args) => {
    arity("split", args, 2, 3);
    return goSplit(str("split", args[0]), str("split", args[1]), args.length === 3 ? toGoInt(args[2]) : -1);
  },
  splitAfter: (...args) => {
    arity("splitAfter", args, 2, 3);
    const sep = str("splitAfter", args[1]);
    const parts = goSplit(str("splitAfter", args[0]), sep, args.length === 3 ? toGoInt(args[2]) : -1);
    return parts.map((p, i) => (i < parts.length - 1 ? p + sep : p));
  },
  replace: (...args) => {
    arity("replace", args, 3, 4);
    const s = str("replace", args[0]);
    const from = str("replace", args[1]);
    const to = str("replace", args[2]);
    if (args.length === 3) return s.replaceAll(from, to);
    let n = toGoInt(args[3]);
    let out = s;
    let index = 0;
    while (n !== 0) {
      const at = out.indexOf(from, index);
      if (at < 0) break;
      out = out.slice(0, at) + to + out.slice(at + from.length);
      index = at + to.length;
      n--;
    }
    return out;
  },
  repeat: (s, n) => {
    const count = toGoInt(n);
    if (count < 0)
      throw new RuntimeError(`invalid argument for repeat (expected positive integer, got ${count})`);
    return str("repeat", s).repeat(count);
  },
  join: (...args) => {
    arity("join", args, 1, 2);
    const glue = args.length === 2 ? str("join", args[1]) : "";
    return arr("join", args[0])
      .map((v) => str("join", v))
      .join(glue);
  },
  indexOf: (s, sub) => str("indexOf", s).indexOf(str("indexOf", sub)),
  lastIndexOf: (s, sub) => str("lastIndexOf", s).lastIndexOf(str("lastIndexOf", sub)),
  hasPrefix: (s, p) => str("hasPrefix", s).startsWith(str("hasPrefix", p)),
  hasSuffix: (s, p) => str("hasSuffix", s).endsWith(str("hasSuffix", p)),
  max: (...args) => minMax("max", args, (a, b) => a > b),
  min: (...args) => minMax("min", args, (a, b) => a < b),
  mean: (...args) => {
    const values = flattenNumbers("mean", args);
    return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
  },
  median: (...args) => {
    const values = flattenNumbers("median", args).sort((a, b) => a - b);
    const n = values.length;
    if (n === 0) return 0;
    return n % 2 === 1 ? values[(n - 1) / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  },
  toJSON: (v) => goJsonMarshal(v, "  "),
  fromJSON: (s) => {
    try {
      return JSON.parse(str("fromJSON", s));
    } catch (cause) {
      throw new RuntimeError(`fromJSON: ${(cause as Error).message}`);
    }
  },
  toBase64: (s) => Buffer.from(str("toBase64", s), "utf8").toString("base64"),
  fromBase64: (s) => {
    const text = str("fromBase64", s);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
      throw new RuntimeError("illegal base64 data");
    }
    return Buffer.from(text, "base64").toString("utf8");
  },
  now: () => new Date(),
  duration: (s) => {
    try {
      return parseDuration(str("duration", s));
    } catch (cause) {
      throw new RuntimeError((cause as Error).message);
    }
  },
  date: (...args) => {
    arity("date", args, 1, 3);
    return args[0] instanceof Date ? args[0] : parseDate(args);
  },
  first: (v) => {
    if (Array.isArray(v)) return v.length > 0 ? v[0] : null;
    throw new RuntimeError(`cannot get first element from ${goTypeName(v)}`);
  },
  last: (v) => {
    if (Array.isArray(v)) return v.length > 0 ? v[v.length - 1] : null;
    throw new RuntimeError(`cannot get last element from ${goTypeName(v)}`);
  },
  get: (from, key) => {
    if (isMap(from)) return typeof key === "string" && Object.hasOwn(from, key) ? from[key] : null;
    if (Array.isArray(from) && typeof key === "number") {
      const i = key < 0 ? from.length + key : key;
      return i >= 0 && i < from.length ? from[i] : null;
    }
    return null;
  },
  take: (v, n) => arr("take", v).slice(0, Math.max(0, toGoInt(n))),
  keys: (v) => {
    if (!isMap(v)) throw new RuntimeError(`cannot get keys from ${goTypeName(v)}`);
    return Object.keys(v);
  },
  values: (v) => {
    if (!isMap(v)) throw new RuntimeError(`cannot get values from ${goTypeName(v)}`);
    return Object.values(v);
  },
  toPairs: (v) => {
    if (!isMap(v)) throw new RuntimeError(`cannot transform ${goTypeName(v)} to pairs`);
    return Object.entries(v).map(([k, val]) => [k, val]);
  },
  fromPairs: (v) => {
    const out: Record<string, unknown> = {};
    for (const pair of arr("fromPairs", v)) {
      const [k, val] = arr("fromPairs", pair);
      setEntry(out, goSprint(k), val);
    }
    return out;
  },
  reverse: (v) => [...arr("reverse", v)].reverse(),
  uniq: (v) => {
    const out: unknown[] = [];
    for (const item of arr("uniq", v)) if (!out.some((o) => equal(o, item))) out.push(item);
    return out;
  },
  concat: (...args) => args.flatMap((a) => arr("concat", a)),
  flatten: (v) => {
    const out: unknown[] = [];
    const visit = (x: unknown) => (Array.isArray(x) ? x.forEach(visit) : out.push(x));
    arr("flatten", v).forEach(visit);
    return out;
  },
  sort: (...args) => {
    arity("sort", args, 1, 2);
    const order = args.length === 2 ? str("sort", args[1]) : "asc";
    const sorted = [...arr("sort", args[0])].sort((a, b) => {
      if (typeof a === "number" && typeof b === "number") return a - b;
      if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
      throw new RuntimeError(`cannot sort ${goTypeName(a)} and ${goTypeName(b)}`);
    });
    return order === "desc" ? sorted.reverse() : sorted;
  },
  bitand: (a, b) => Number(BigInt(toGoInt(a)) & BigInt(toGoInt(b))),
  bitor: (a, b) => Number(BigInt(toGoInt(a)) | BigInt(toGoInt(b))),
  bitxor: (a, b) => Number(BigInt(toGoInt(a)) ^ BigInt(toGoInt(b))),
  bitnand: (a, b) => Number(BigInt(toGoInt(a)) & ~BigInt(toGoInt(b))),
  bitnot: (a) => Number(~BigInt(toGoInt(a))),
  bitshl: (a, b) => Number(BigInt.asIntN(64, BigInt(toGoInt(a)) << BigInt(toGoInt(b)))),
  bitshr: (a, b) => Number(BigInt(toGoInt(a)) >> BigInt(toGoInt(b))),
  bitushr: (a, b) => Number(BigInt.asUintN(64, BigInt(toGoInt(a))) >> BigInt(toGoInt(b))),
};

/** Go's strings.SplitN (n < 0: all; n == 0: nil; "" separator splits into UTF-8 characters). */
export function goSplit(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  const parts = sep === "" ? [...s] : s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  const head = parts.slice(0, n - 1);
  head.push(parts.slice(n - 1).join(sep));
  return head;
}

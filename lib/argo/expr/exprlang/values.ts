/**
 * The value model shared by the evaluators, mirroring Go's dynamic values as expr-lang and govaluate see them:
 * nil → null, bool, numbers (Go's int and float64 both map to a JS number), string, slices → arrays,
 * maps → plain objects, time.Time → Date, time.Duration → GoDuration, functions → JS functions.
 */

/** A Go `time.Duration`: a signed count of nanoseconds. */
export class GoDuration {
  constructor(readonly nanoseconds: number) {}

  toString(): string {
    return formatDuration(this.nanoseconds);
  }
}

/** A callable exposed to expressions (builtins, Argo's functions, sprig). */
export type ExprFunction = (...args: unknown[]) => unknown;

export type ExprMap = { [key: string]: unknown };

export function isMap(value: unknown): value is ExprMap {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Sets a map entry as an own property, even for keys such as "__proto__". */
export function setEntry(map: ExprMap, key: string, value: unknown): void {
  // defineProperty is slow on hot paths; it is only needed for the one key that assignment treats specially.
  if (key === "__proto__")
    Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
  else map[key] = value;
}

export function isNil(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/** Go's type name of a value, as expr-lang prints it in error messages. */
export function goTypeName(value: unknown): string {
  if (isNil(value)) return "<nil>";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "string") return "string";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float64";
  if (Array.isArray(value)) return "[]interface {}";
  if (value instanceof Date) return "time.Time";
  if (value instanceof GoDuration) return "time.Duration";
  if (typeof value === "function") return "func";
  return "map[string]interface {}";
}

/** Go's `%v` for a float64 (strconv 'g', shortest): exponent form when the exponent is < -4 or >= 6. */
export function formatGoFloat(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Number.POSITIVE_INFINITY) return "+Inf";
  if (n === Number.NEGATIVE_INFINITY) return "-Inf";
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  // toExponential() gives the shortest round-tripping digits, like Go's strconv with precision -1.
  const [mantissa, exp] = n.toExponential().split("e");
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 6) {
    // Go pads the exponent to two digits ("1e-07", "1.5e+21").
    const sign = exp.startsWith("-") ? "-" : "+";
    const digits = exp.replace(/^[+-]/, "").padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  return String(n);
}

/**
 * Go's `fmt.Sprintf("%v", v)`. Whole numbers print as Go ints (the JS number model cannot tell a whole
 * float64 from an int; Go would print a float64 of 1e6 as "1e+06").
 */
export function goSprint(value: unknown): string {
  if (isNil(value)) return "<nil>";
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? value.toFixed(0) : formatGoFloat(value);
  }
  if (Array.isArray(value)) return `[${value.map(goSprint).join(" ")}]`;
  if (value instanceof Date) return formatGoTimeDefault(value);
  if (value instanceof GoDuration) return value.toString();
  if (typeof value === "function") return "0x0";
  if (isMap(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${goSprint(value[k])}`).join(" ")}]`;
  }
  return String(value);
}

/** Go's float formatting for `%v` in govaluate, where every number is a float64. */
export function goSprintFloat64(value: unknown): string {
  return typeof value === "number" ? formatGoFloat(value) : goSprint(value);
}

function formatGoTimeDefault(date: Date): string {
  // time.Time's String(): "2006-01-02 15:04:05.999999999 -0700 MST"; UTC here.
  const iso = date.toISOString();
  const [day, rest] = iso.split("T");
  const time = rest.replace("Z", "").replace(/\.?0+$/, "");
  return `${day} ${time} +0000 UTC`;
}

const jsonEscapes: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\u0008",
  "\f": "\\u000c",
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/** Go's encoding/json string encoding (HTML-safe: <, >, & are escaped). */
export function goJsonString(s: string): string {
  const escaped = s.replace(/["\\\u0000-\u001f<>&\u2028\u2029]/g, (c) => {
    const known = jsonEscapes[c];
    if (known) return known;
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  return `"${escaped}"`;
}

/**
 * Go's `json.Marshal` (indent "" → compact) or `json.MarshalIndent(v, "", indent)`: map keys sorted, HTML-safe
 * strings, time.Time as RFC 3339, durations as nanoseconds.
 */
export function goJsonMarshal(value: unknown, indent = ""): string {
  return marshal(value, indent, "");
}

function marshal(value: unknown, indent: string, prefix: string): string {
  if (isNil(value)) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`json: unsupported value: ${formatGoFloat(value)}`);
    return String(value);
  }
  if (typeof value === "string") return goJsonString(value);
  // time.Time marshals as RFC 3339 with nanoseconds, trailing zeros of the fraction trimmed.
  if (value instanceof Date) return goJsonString(value.toISOString().replace(/\.?0*Z$/, "Z"));
  if (value instanceof GoDuration) return String(value.nanoseconds);
  if (typeof value === "function") throw new Error("json: unsupported type: func");
  const inner = prefix + indent;
  const open = indent ? `\n${inner}` : "";
  const close = indent ? `\n${prefix}` : "";
  const separator = indent ? `,\n${inner}` : ",";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[${open}${value.map((v) => marshal(v, indent, inner)).join(separator)}${close}]`;
  }
  if (isMap(value)) {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) return "{}";
    const colon = indent ? ": " : ":";
    const entries = keys.map((k) => `${goJsonString(k)}${colon}${marshal(value[k], indent, inner)}`);
    return `{${open}${entries.join(separator)}${close}}`;
  }
  throw new Error(`json: unsupported type: ${goTypeName(value)}`);
}

/** Deep equality as Go's `reflect.DeepEqual` over the value model (numbers compare by value). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (isNil(a) || isNil(b)) return isNil(a) && isNil(b);
  if (typeof a !== typeof b) return false;
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (a instanceof GoDuration || b instanceof GoDuration) {
    return a instanceof GoDuration && b instanceof GoDuration && a.nanoseconds === b.nanoseconds;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return a === b;
}

const durationUnits: Array<[string, number]> = [
  ["h", 3_600_000_000_000],
  ["m", 60_000_000_000],
  ["s", 1_000_000_000],
];

/** Go's `time.Duration.String()`: "1h2m3.5s", "1.5ms", "0s". */
export function formatDuration(nanoseconds: number): string {
  if (nanoseconds === 0) return "0s";
  const sign = nanoseconds < 0 ? "-" : "";
  let rest = Math.abs(nanoseconds);
  if (rest < 1_000_000_000) {
    if (rest < 1_000) return `${sign}${rest}ns`;
    if (rest < 1_000_000) return `${sign}${trimFraction(rest / 1_000)}µs`;
    return `${sign}${trimFraction(rest / 1_000_000)}ms`;
  }
  let out = sign;
  const hours = Math.floor(rest / durationUnits[0][1]);
  rest -= hours * durationUnits[0][1];
  const minutes = Math.floor(rest / durationUnits[1][1]);
  rest -= minutes * durationUnits[1][1];
  if (hours > 0) out += `${hours}h`;
  if (hours > 0 || minutes > 0) out += `${minutes}m`;
  out += `${trimFraction(rest / 1_000_000_000)}s`;
  return out;
}

function trimFraction(n: number): string {
  return n.toFixed(9).replace(/\.?0+$/, "");
}

const parseUnits: Record<string, number> = {
  ns: 1,
  us: 1_000,
  µs: 1_000,
  μs: 1_000,
  ms: 1_000_000,
  s: 1_000_000_000,
  m: 60_000_000_000,
  h: 3_600_000_000_000,
};

/** Go's `time.ParseDuration` ("1h30m", "1.5s", "-300ms"). Throws on bad input. */
export function parseDuration(text: string): GoDuration {
  const match = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text);
  if (text === "0" || text === "+0" || text === "-0") return new GoDuration(0);
  if (!match) throw new Error(`time: invalid duration "${text}"`);
  const sign = match[1] === "-" ? -1 : 1;
  let total = 0;
  for (const part of text.slice(match[1].length).matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * parseUnits[part[2]];
  }
  return new GoDuration(sign * Math.round(total));
}

// EventBridge event patterns, compiled once into predicates. Semantics follow EventBridge (and its open-source
// matcher, aws/event-ruler): fields AND together, the values listed for a field OR together, array values in
// the event match when any element matches, `exists` looks at leaf values only, `$or` takes two or more
// sub-patterns, and objects inside event arrays are matched element by element (array-consistent matching).
// Hand-written because no maintained JavaScript implementation of the current syntax exists.
import { BlockList, isIP } from "node:net";

/** Raised for a pattern EventBridge would refuse; `path` points at the offending part (e.g. `detail.state[1]`). */
export class PatternError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`invalid event pattern at ${path || "(root)"}: ${message}`);
    this.name = "PatternError";
  }
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A compiled pattern: call it with an event (any JSON object) to know whether the pattern matches. */
export type EventMatcher = (event: unknown) => boolean;

type ObjectMatcher = (value: Record<string, unknown>) => boolean;
/** Matches one leaf value (never an object, never an array). */
type ValueMatcher = (value: unknown) => boolean;
/** A field condition: the field's leaf values, empty when the field is absent (or not a leaf). */
type LeafMatcher = (values: unknown[]) => boolean;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Compiles a pattern (object or JSON text), validating it the way PutRule would. */
export function compilePattern(pattern: unknown): EventMatcher {
  const parsed = typeof pattern === "string" ? parseJson(pattern) : pattern;
  if (!isPlainObject(parsed) || Object.keys(parsed).length === 0) {
    throw new PatternError("a pattern must be a non-empty JSON object", "");
  }
  const match = compileObject(parsed, "");
  return (event) => match(isPlainObject(event) ? event : {});
}

/** One-off convenience: compiles and matches. Prefer `compilePattern` for repeated use. */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return compilePattern(pattern)(event);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PatternError(`not valid JSON (${(error as Error).message})`, "");
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function compileObject(pattern: Record<string, unknown>, path: string): ObjectMatcher {
  const conditions: ObjectMatcher[] = [];
  for (const [key, value] of Object.entries(pattern)) {
    const here = join(path, key);
    if (key === "$or" && Array.isArray(value)) {
      if (value.length < 2) throw new PatternError("$or needs at least two sub-patterns", here);
      const alternatives = value.map((sub, i) => {
        if (!isPlainObject(sub) || Object.keys(sub).length === 0) {
          throw new PatternError("each $or entry must be a non-empty object", `${here}[${i}]`);
        }
        return compileObject(sub, `${here}[${i}]`);
      });
      conditions.push((event) => alternatives.some((alternative) => alternative(event)));
    } else if (Array.isArray(value)) {
      const leaf = compileLeaf(value, here);
      conditions.push((event) => leaf(leafValues(event[key])));
    } else if (isPlainObject(value)) {
      if (Object.keys(value).length === 0) throw new PatternError("an empty object matches nothing", here);
      const nested = compileObject(value, here);
      conditions.push((event) => objectsIn(event[key]).some(nested));
    } else {
      throw new PatternError(
        `expected an array of values or a nested object, got ${JSON.stringify(value)}`,
        here,
      );
    }
  }
  return (event) => conditions.every((condition) => condition(event));
}

/**
 * The objects a nested pattern is applied to: the object itself, each object of an array (so that fields are
 * matched within one element), or an empty object when the field is absent or a scalar, so that
 * `exists: false` below it still holds.
 */
function objectsIn(value: unknown): Record<string, unknown>[] {
  if (isPlainObject(value)) return [value];
  if (Array.isArray(value)) {
    const objects = value.flat(Number.POSITIVE_INFINITY).filter(isPlainObject);
    return objects.length > 0 ? objects : [{}];
  }
  return [{}];
}

/** The scalar values of a field: arrays are flattened, objects are not leaves. */
function leafValues(value: unknown): unknown[] {
  if (value === undefined || isPlainObject(value)) return [];
  if (Array.isArray(value)) return value.flat(Number.POSITIVE_INFINITY).filter((v) => !isPlainObject(v));
  return [value];
}

function compileLeaf(values: unknown[], path: string): LeafMatcher {
  if (values.length === 0) throw new PatternError("an empty array matches nothing", path);
  const valueMatchers: ValueMatcher[] = [];
  const fieldMatchers: LeafMatcher[] = [];
  values.forEach((value, i) => {
    const here = `${path}[${i}]`;
    if (isPlainObject(value) && "exists" in value) {
      onlyKey(value, "exists", here);
      if (typeof value.exists !== "boolean") throw new PatternError("exists takes true or false", here);
      const wanted = value.exists;
      fieldMatchers.push((leaves) => leaves.length > 0 === wanted);
    } else {
      valueMatchers.push(compileValue(value, here));
    }
  });
  return (leaves) =>
    fieldMatchers.some((m) => m(leaves)) || leaves.some((leaf) => valueMatchers.some((m) => m(leaf)));
}

function onlyKey(value: Record<string, unknown>, key: string, path: string): void {
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    throw new PatternError(`"${key}" must be the only key of its object, found ${keys.join(", ")}`, path);
  }
}

function compileValue(value: unknown, path: string): ValueMatcher {
  if (value === null) return (v) => v === null;
  if (typeof value === "string" || typeof value === "boolean") return (v) => v === value;
  if (typeof value === "number") return (v) => typeof v === "number" && v === value;
  if (Array.isArray(value)) throw new PatternError("nested arrays are not allowed in a value list", path);
  if (!isPlainObject(value)) throw new PatternError(`unsupported value ${JSON.stringify(value)}`, path);
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    throw new PatternError(`a matcher object has exactly one key, found ${keys.join(", ") || "none"}`, path);
  }
  const [operator] = keys;
  const operand = value[operator];
  const here = `${path}.${operator}`;
  switch (operator) {
    case "prefix":
      return stringAffix(operand, here, (s, affix) => s.startsWith(affix));
    case "suffix":
      return stringAffix(operand, here, (s, affix) => s.endsWith(affix));
    case "equals-ignore-case": {
      const expected = requireString(operand, here).toLowerCase();
      return (v) => typeof v === "string" && v.toLowerCase() === expected;
    }
    case "wildcard": {
      const regex = wildcardRegex(requireString(operand, here), here);
      return (v) => typeof v === "string" && regex.test(v);
    }
    case "anything-but":
      return anythingBut(operand, here);
    case "numeric":
      return numeric(operand, here);
    case "cidr":
      return cidr(operand, here);
    default:
      throw new PatternError(`unknown matcher "${operator}"`, path);
  }
}

function requireString(value: unknown, path: string): string {
  if (typeof value !== "string")
    throw new PatternError(`expected a string, got ${JSON.stringify(value)}`, path);
  return value;
}

/** prefix/suffix take a string, or `{ "equals-ignore-case": string }` for a case-insensitive affix. */
function stringAffix(
  operand: unknown,
  path: string,
  test: (s: string, affix: string) => boolean,
): ValueMatcher {
  if (isPlainObject(operand)) {
    onlyKey(operand, "equals-ignore-case", path);
    const affix = requireString(operand["equals-ignore-case"], `${path}.equals-ignore-case`).toLowerCase();
    return (v) => typeof v === "string" && test(v.toLowerCase(), affix);
  }
  const affix = requireString(operand, path);
  return (v) => typeof v === "string" && test(v, affix);
}

function wildcardRegex(pattern: string, path: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1];
      if (next !== "*" && next !== "\\") {
        throw new PatternError("a backslash may only escape * or \\", path);
      }
      source += `\\${next}`;
      i++;
    } else if (c === "*") {
      if (pattern[i + 1] === "*")
        throw new PatternError("consecutive wildcard characters are not allowed", path);
      source += "[\\s\\S]*";
    } else {
      source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`, "u");
}

function anythingBut(operand: unknown, path: string): ValueMatcher {
  if (typeof operand === "string" || typeof operand === "number") return (v) => v !== operand;
  if (Array.isArray(operand)) {
    if (operand.length === 0) throw new PatternError("anything-but needs at least one value", path);
    const allStrings = operand.every((o) => typeof o === "string");
    const allNumbers = operand.every((o) => typeof o === "number");
    if (!allStrings && !allNumbers) {
      throw new PatternError("an anything-but list holds only strings or only numbers", path);
    }
    const excluded = new Set<unknown>(operand);
    return (v) => !excluded.has(v);
  }
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1) throw new PatternError("anything-but takes one matcher object", path);
    const [inner] = keys;
    const values = operand[inner];
    const here = `${path}.${inner}`;
    // Each value of the list (or the single value) is one excluded pattern.
    const list = Array.isArray(values) ? values : [values];
    if (list.length === 0) throw new PatternError("needs at least one value", here);
    let excluded: ValueMatcher[];
    switch (inner) {
      case "prefix":
        excluded = list.map((p) => stringAffix(p, here, (s, affix) => s.startsWith(affix)));
        break;
      case "suffix":
        excluded = list.map((p) => stringAffix(p, here, (s, affix) => s.endsWith(affix)));
        break;
      case "equals-ignore-case":
        excluded = list.map((p) => {
          const lowered = requireString(p, here).toLowerCase();
          return (v: unknown) => typeof v === "string" && v.toLowerCase() === lowered;
        });
        break;
      case "wildcard":
        excluded = list.map((p) => {
          const regex = wildcardRegex(requireString(p, here), here);
          return (v: unknown) => typeof v === "string" && regex.test(v);
        });
        break;
      default:
        throw new PatternError(`anything-but does not support "${inner}"`, path);
    }
    // The affix forms only apply to strings: a number is neither excluded nor matched.
    return (v) => typeof v === "string" && !excluded.some((m) => m(v));
  }
  throw new PatternError(`anything-but takes a string, a number, a list or a matcher object`, path);
}

const NUMERIC_LIMIT = 5e9;

function numeric(operand: unknown, path: string): ValueMatcher {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    throw new PatternError(
      'numeric takes [op, number] or [op, number, op, number], e.g. [">", 0, "<=", 5]',
      path,
    );
  }
  const tests: Array<(n: number) => boolean> = [];
  let lower = false;
  let upper = false;
  for (let i = 0; i < operand.length; i += 2) {
    const op = operand[i];
    const bound = operand[i + 1];
    const here = `${path}[${i + 1}]`;
    if (typeof bound !== "number" || !Number.isFinite(bound))
      throw new PatternError("expected a number", here);
    if (Math.abs(bound) > NUMERIC_LIMIT)
      throw new PatternError(`numbers are limited to ±${NUMERIC_LIMIT}`, here);
    switch (op) {
      case "=":
        if (operand.length !== 2) throw new PatternError('"=" cannot be combined with a range', path);
        tests.push((n) => n === bound);
        break;
      case ">":
      case ">=":
        if (lower) throw new PatternError("two lower bounds", path);
        lower = true;
        tests.push(op === ">" ? (n) => n > bound : (n) => n >= bound);
        break;
      case "<":
      case "<=":
        if (upper) throw new PatternError("two upper bounds", path);
        upper = true;
        tests.push(op === "<" ? (n) => n < bound : (n) => n <= bound);
        break;
      default:
        throw new PatternError(`unknown numeric operator ${JSON.stringify(op)}`, `${path}[${i}]`);
    }
  }
  return (v) => typeof v === "number" && tests.every((test) => test(v));
}

function cidr(operand: unknown, path: string): ValueMatcher {
  const text = requireString(operand, path);
  const slash = text.indexOf("/");
  const network = slash < 0 ? text : text.slice(0, slash);
  const family = isIP(network);
  const maxPrefix = family === 6 ? 128 : 32;
  const prefix = slash < 0 ? maxPrefix : Number(text.slice(slash + 1));
  if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix) {
    throw new PatternError(`not a CIDR block: ${JSON.stringify(text)}`, path);
  }
  const block = new BlockList();
  const type = family === 6 ? "ipv6" : "ipv4";
  block.addSubnet(network, prefix, type);
  return (v) => typeof v === "string" && isIP(v) === family && block.check(v, type);
}

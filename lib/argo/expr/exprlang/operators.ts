/** expr-lang's runtime operators over the Go-like value model (vm/runtime in expr-lang). */
import { goRegExp } from "./regexp";
import { deepEqual, GoDuration, goTypeName, isMap, isNil } from "./values";

export class RuntimeError extends Error {}

function mismatched(op: string, a: unknown, b: unknown): RuntimeError {
  return new RuntimeError(
    `invalid operation: ${op} (mismatched types ${goTypeName(a)} and ${goTypeName(b)})`,
  );
}

export function equal(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a === b;
  return deepEqual(a, b);
}

function compare(op: string, a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (a instanceof GoDuration && b instanceof GoDuration) return a.nanoseconds - b.nanoseconds;
  throw mismatched(op, a, b);
}

function requireInteger(op: string, a: unknown, b: unknown): [number, number] {
  if (typeof a !== "number" || typeof b !== "number" || !Number.isInteger(a) || !Number.isInteger(b)) {
    throw mismatched(op, a, b);
  }
  return [a, b];
}

export function binary(op: string, a: unknown, b: unknown): unknown {
  switch (op) {
    case "==":
      return equal(a, b);
    case "!=":
      return !equal(a, b);
    case "<":
      return compare(op, a, b) < 0;
    case ">":
      return compare(op, a, b) > 0;
    case "<=":
      return compare(op, a, b) <= 0;
    case ">=":
      return compare(op, a, b) >= 0;
    case "+":
      if (typeof a === "number" && typeof b === "number") return a + b;
      if (typeof a === "string" && typeof b === "string") return a + b;
      if (a instanceof Date && b instanceof GoDuration) return new Date(a.getTime() + b.nanoseconds / 1e6);
      if (a instanceof GoDuration && b instanceof Date) return new Date(b.getTime() + a.nanoseconds / 1e6);
      if (a instanceof GoDuration && b instanceof GoDuration)
        return new GoDuration(a.nanoseconds + b.nanoseconds);
      if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
      throw mismatched(op, a, b);
    case "-":
      if (typeof a === "number" && typeof b === "number") return a - b;
      if (a instanceof Date && b instanceof Date) return new GoDuration((a.getTime() - b.getTime()) * 1e6);
      if (a instanceof Date && b instanceof GoDuration) return new Date(a.getTime() - b.nanoseconds / 1e6);
      if (a instanceof GoDuration && b instanceof GoDuration)
        return new GoDuration(a.nanoseconds - b.nanoseconds);
      throw mismatched(op, a, b);
    case "*":
      if (typeof a === "number" && typeof b === "number") return a * b;
      if (a instanceof GoDuration && typeof b === "number") return new GoDuration(a.nanoseconds * b);
      if (typeof a === "number" && b instanceof GoDuration) return new GoDuration(a * b.nanoseconds);
      throw mismatched(op, a, b);
    case "/":
      if (typeof a === "number" && typeof b === "number") return a / b;
      throw mismatched(op, a, b);
    case "%": {
      const [x, y] = requireInteger(op, a, b);
      if (y === 0) throw new RuntimeError("integer divide by zero");
      return x % y;
    }
    case "**":
    case "^":
      if (typeof a === "number" && typeof b === "number") return a ** b;
      throw mismatched(op, a, b);
    case "..": {
      const [from, to] = requireInteger(op, a, b);
      const out: number[] = [];
      for (let i = from; i <= to; i++) out.push(i);
      return out;
    }
    case "in":
      return contains(b, a);
    case "matches":
      if (typeof a !== "string" || typeof b !== "string") throw mismatched(op, a, b);
      return goRegExp(b).test(a);
    case "contains":
      if (typeof a !== "string" || typeof b !== "string") throw mismatched(op, a, b);
      return a.includes(b);
    case "startsWith":
      if (typeof a !== "string" || typeof b !== "string") throw mismatched(op, a, b);
      return a.startsWith(b);
    case "endsWith":
      if (typeof a !== "string" || typeof b !== "string") throw mismatched(op, a, b);
      return a.endsWith(b);
    default:
      throw new RuntimeError(`unknown operator ${op}`);
  }
}

function contains(haystack: unknown, needle: unknown): boolean {
  if (isNil(haystack)) return false;
  if (Array.isArray(haystack)) return haystack.some((v) => equal(v, needle));
  if (isMap(haystack)) {
    if (typeof needle !== "string") throw mismatched("in", needle, haystack);
    return Object.hasOwn(haystack, needle);
  }
  throw new RuntimeError(`operator "in" not defined on ${goTypeName(haystack)}`);
}

export function unary(op: string, value: unknown): unknown {
  switch (op) {
    case "!":
    case "not":
      if (typeof value !== "boolean") throw new RuntimeError(`invalid operation: ${op} ${goTypeName(value)}`);
      return !value;
    case "-":
      if (typeof value === "number") return -value;
      if (value instanceof GoDuration) return new GoDuration(-value.nanoseconds);
      throw new RuntimeError(`invalid operation: - ${goTypeName(value)}`);
    case "+":
      if (typeof value === "number" || value instanceof GoDuration) return value;
      throw new RuntimeError(`invalid operation: + ${goTypeName(value)}`);
    default:
      throw new RuntimeError(`unknown unary operator ${op}`);
  }
}

/** Converts a value to a Go int index (expr's runtime.ToInt). */
export function toInt(value: unknown): number {
  if (typeof value === "number") return Math.trunc(value);
  throw new RuntimeError(`cannot use ${goTypeName(value)} as an index`);
}

/** Sprig's lenient conversions (spf13/cast) and argument coercions, shared by the sprig modules. */
import { RuntimeError } from "../operators";
import { goSprint, goTypeName, isMap, isNil } from "../values";

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

export function list(name: string, v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  throw new RuntimeError(`Cannot find ${name} on type ${goTypeName(v)}`);
}

export function dict(name: string, v: unknown): Record<string, unknown> {
  if (isMap(v)) return v;
  throw new RuntimeError(`${name}: expected a dict, got ${goTypeName(v)}`);
}

/** Sprig's date argument: time.Time, or unix seconds as an int; anything else means now. */
export function toTime(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v === "number" && Number.isInteger(v)) return new Date(v * 1000);
  return new Date();
}

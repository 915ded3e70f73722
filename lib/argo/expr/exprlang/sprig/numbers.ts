/** Sprig's number conversions and integer/float math (integers truncate, as Sprig's int64 does). */
import { RuntimeError } from "../operators";
import type { ExprFunction } from "../values";
import { strval, toFloat64, toInt64 } from "./convert";

export const numberFunctions: Record<string, ExprFunction> = {
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
};

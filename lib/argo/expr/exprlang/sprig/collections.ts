/** Sprig's defaults, lists, dictionaries and type inspection. */
import { equal, RuntimeError } from "../operators";
import { deepEqual, type ExprFunction, goTypeName, isMap, isNil, setEntry } from "../values";
import { dict, isEmpty, list, strval, toInt64 } from "./convert";

export const collectionFunctions: Record<string, ExprFunction> = {
  default: (d, ...given) => (given.length === 0 || isEmpty(given[0]) ? d : given[0]),
  empty: (v) => isEmpty(v),
  coalesce: (...args) => args.find((a) => !isEmpty(a)) ?? null,
  all: (...args) => args.every((a) => !isEmpty(a)),
  any: (...args) => args.some((a) => !isEmpty(a)),
  ternary: (whenTrue, whenFalse, condition) => (condition === true ? whenTrue : whenFalse),
  fail: (message) => {
    throw new RuntimeError(strval(message));
  },
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
  kindOf: (v) => (Array.isArray(v) ? "slice" : isMap(v) ? "map" : isNil(v) ? "invalid" : goTypeName(v)),
  kindIs: (kind, v) => collectionFunctions.kindOf(v) === kind,
  typeOf: (v) => (isNil(v) ? "<nil>" : goTypeName(v)),
  typeIs: (t, v) => goTypeName(v) === t,
  deepEqual: (a, b) => deepEqual(a, b),
  eq: (a, b) => equal(a, b),
};

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A copy without `undefined` values, so specs are plain JSON (empty objects such as `emptyDir: {}` stay). */
export function clean<T>(value: T): T {
  if (Array.isArray(value)) return value.map((entry) => clean(entry)) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) if (entry !== undefined) out[key] = clean(entry);
    return out as T;
  }
  return value;
}

/** Drops `undefined` keys at the top level only, for objects whose values are already clean. */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) if (entry !== undefined) out[key] = entry;
  return out as T;
}

/** Deep merge for the `extra` escape hatch: objects merge key by key, anything else (arrays too) replaces. */
export function deepMerge<T>(base: T, patch: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return (patch === undefined ? base : patch) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) out[key] = deepMerge(out[key], value);
  return out as T;
}

/** Keys of `source` not listed in `taken`, copied as-is: the Argo fields a builder passes straight through. */
export function passthrough(source: object, taken: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source))
    if (!taken.has(key) && value !== undefined) out[key] = value;
  return out;
}

/** Drops `undefined` and returns `undefined` for an empty record/array, so builders never emit `{}` by accident. */
export function nonEmpty<T extends object>(value: T | undefined): T | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length > 0 ? value : undefined;
  return Object.keys(clean(value)).length > 0 ? value : undefined;
}

export type { Json };

import { argoFunctions } from "./exprlang/argo-functions";
import { setEntry } from "./exprlang/values";

/** A flat map of Argo variables (`inputs.parameters.x`, `steps.a.outputs.result`, `item`, …) to their values. */
export interface VariableLookup {
  get(key: string): string | undefined;
  keys(): Iterable<string>;
  /**
   * Whether `key` is an absent optional: the output of a Skipped/Omitted producer without a default. Such a key
   * is nil in expressions (so `??` applies) and an error in a simple tag. Optional; default: nothing is absent.
   */
  isAbsent?(key: string): boolean;
}

/**
 * The value a flat variable record holds for an absent optional (a Skipped/Omitted producer's output without a
 * default), so that plain records carry absence wherever they are copied; a MapScope reads it as absent. Also the
 * value an argument that is a pure reference to one is passed as (Argo's AbsentOptionalArgumentValue,
 * workflow/common/common.go): the consumer then takes its input's default or fails.
 */
export const ABSENT_OPTIONAL = "__argo-internal.absent-optional-output__";

/**
 * A VariableLookup over a plain record. The record is used as given, not copied (scopes are built per substitution
 * on hot paths): do not mutate it while the scope is in use.
 */
export class MapScope implements VariableLookup {
  private readonly values: Readonly<Record<string, string>>;
  private readonly absent: ReadonlySet<string>;
  private env: Record<string, unknown> | undefined;
  private readonly partialEnvs = new Map<string, Record<string, unknown>>();

  /** `absent` lists absent optionals (see VariableLookup.isAbsent); default none. */
  constructor(values: Record<string, string> = {}, absent: Iterable<string> = []) {
    this.values = values;
    this.absent = new Set(absent);
  }

  get(key: string): string | undefined {
    const value = Object.hasOwn(this.values, key) ? this.values[key] : undefined;
    return value === ABSENT_OPTIONAL ? undefined : value;
  }

  keys(): Iterable<string> {
    return this.absent.size === 0 ? Object.keys(this.values) : [...Object.keys(this.values), ...this.absent];
  }

  isAbsent(key: string): boolean {
    if (Object.hasOwn(this.values, key)) return this.values[key] === ABSENT_OPTIONAL;
    return this.absent.has(key);
  }

  /** A new scope with `extra` added (overriding same-named keys) and more absent optionals. */
  with(extra: Record<string, string>, absent: Iterable<string> = []): MapScope {
    return new MapScope({ ...this.values, ...extra }, [...this.absent, ...absent]);
  }

  /** The expression env for this scope, built once (the scope is immutable). */
  exprEnv(): Record<string, unknown> {
    this.env ??= buildExprEnv(this);
    return this.env;
  }

  /** The expression env restricted to some top-level names, memoised per set of names. */
  exprEnvFor(roots: Iterable<string>): Record<string, unknown> {
    if (this.env) return this.env;
    const wanted = [...new Set(roots)].sort();
    const cacheKey = wanted.join("\n");
    let env = this.partialEnvs.get(cacheKey);
    if (!env) {
      env = buildExprEnv(this, includeRoots(wanted));
      if (this.partialEnvs.size >= 64) this.partialEnvs.clear();
      this.partialEnvs.set(cacheKey, env);
    }
    return env;
  }
}

/**
 * Argo's removeConflicts: with keys sorted, a key is dropped when the next key extends it with a ".", so
 * `inputs.parameters` (the JSON list) gives way to `inputs.parameters.x` in expressions.
 */
function removeConflicts(keys: string[]): string[] {
  const sorted = [...keys].sort();
  return sorted.filter((k, i) => !(i + 1 < sorted.length && sorted[i + 1].startsWith(`${k}.`)));
}

function expandEntries(flat: Map<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const key of removeConflicts([...flat.keys()])) {
    const parts = key.split(".");
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i];
      const existing = Object.hasOwn(node, part) ? node[part] : undefined;
      if (existing === null || typeof existing !== "object") setEntry(node, part, {});
      node = node[part] as Record<string, unknown>;
    }
    const leaf = parts[parts.length - 1];
    const existing = Object.hasOwn(node, leaf) ? node[leaf] : undefined;
    if (existing === undefined || typeof existing !== "object" || existing === null) {
      setEntry(node, leaf, flat.get(key));
    }
  }
  return root;
}

/** Dotted keys → nested maps (bellows.Expand), e.g. `steps.a.outputs.result` → steps → a → outputs → result. */
export function expandKeys(flat: Record<string, unknown>): Record<string, unknown> {
  return expandEntries(new Map(Object.entries(flat)));
}

/** The env `{{=…}}` expressions see: the scope expanded into nested maps, plus Argo's functions. */
export function exprEnvOf(scope: VariableLookup): Record<string, unknown> {
  return scope instanceof MapScope ? scope.exprEnv() : buildExprEnv(scope);
}

/**
 * The env restricted to the scope keys under the given top-level names (what one expression reads): the
 * same values as exprEnvOf for those names, without expanding the whole scope on every tag.
 */
export function exprEnvFor(scope: VariableLookup, roots: Iterable<string>): Record<string, unknown> {
  if (scope instanceof MapScope) return scope.exprEnvFor(roots);
  return buildExprEnv(scope, includeRoots(roots));
}

function includeRoots(roots: Iterable<string>): (key: string) => boolean {
  const wanted = new Set(roots);
  return (key) => {
    const dot = key.indexOf(".");
    return wanted.has(dot < 0 ? key : key.slice(0, dot));
  };
}

function buildExprEnv(
  scope: VariableLookup,
  include: (key: string) => boolean = () => true,
): Record<string, unknown> {
  const flat = new Map<string, unknown>();
  for (const key of scope.keys()) {
    if (!include(key)) continue;
    const value = scope.get(key);
    if (value !== undefined) flat.set(key, value);
    else if (scope.isAbsent?.(key)) flat.set(key, null);
  }
  return { ...expandEntries(flat), ...argoFunctions };
}

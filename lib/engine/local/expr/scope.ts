import { argoFunctions } from "./exprlang/argo-functions";

/** A flat map of Argo variables (`inputs.parameters.x`, `steps.a.outputs.result`, `item`, …) to their values. */
export interface Scope {
  get(key: string): string | undefined;
  keys(): Iterable<string>;
}

/** An immutable Scope over a plain record. */
export class MapScope implements Scope {
  private readonly values: Readonly<Record<string, string>>;
  private env: Record<string, unknown> | undefined;

  constructor(values: Record<string, string> = {}) {
    this.values = { ...values };
  }

  get(key: string): string | undefined {
    return Object.hasOwn(this.values, key) ? this.values[key] : undefined;
  }

  keys(): Iterable<string> {
    return Object.keys(this.values);
  }

  /** A new scope with `extra` added (overriding same-named keys). */
  with(extra: Record<string, string>): MapScope {
    return new MapScope({ ...this.values, ...extra });
  }

  /** The expression env for this scope, built once (the scope is immutable). */
  exprEnv(): Record<string, unknown> {
    this.env ??= buildExprEnv(this);
    return this.env;
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

/** Dotted keys → nested maps (bellows.Expand), e.g. `steps.a.outputs.result` → steps → a → outputs → result. */
export function expandKeys(flat: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const key of removeConflicts(Object.keys(flat))) {
    const parts = key.split(".");
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const existing = node[part];
      if (existing === null || typeof existing !== "object") node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    const leaf = parts[parts.length - 1];
    if (!(leaf in node) || typeof node[leaf] !== "object" || node[leaf] === null) node[leaf] = flat[key];
  }
  return root;
}

/** The env `{{=…}}` expressions see: the scope expanded into nested maps, plus Argo's functions. */
export function exprEnvOf(scope: Scope): Record<string, unknown> {
  return scope instanceof MapScope ? scope.exprEnv() : buildExprEnv(scope);
}

function buildExprEnv(scope: Scope): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const key of scope.keys()) {
    const value = scope.get(key);
    if (value !== undefined) flat[key] = value;
  }
  return { ...expandKeys(flat), ...argoFunctions };
}

import type { Artifact, Item, NodeStatus, Sequence } from "../../argo";
import { MapScope, substitute } from "../../argo/expr";
import { atoi } from "../../argo/intstr";

/** Values visible to substitution: flat string keys (`inputs.parameters.x`) plus artifacts by reference key. */
export interface Scope {
  vars: Record<string, string>;
  artifacts: Record<string, Artifact>;
}

export function newScope(vars: Record<string, string> = {}, artifacts: Record<string, Artifact> = {}): Scope {
  return { vars: { ...vars }, artifacts: { ...artifacts } };
}

/** Substitutes `{{...}}` tags in one string; unresolved simple tags stay verbatim. */
export function subst(text: string, vars: Record<string, string>, strict = false): string {
  if (!text.includes("{{")) return text;
  return substitute(text, new MapScope(vars), { onMissing: strict ? "error" : "keep" });
}

const NO_KEYS: ReadonlySet<string> = new Set();

/** Whether a value has a `{{` outside `skipKeys`, remembered per object (and skip set). */
const tagged = new WeakMap<ReadonlySet<string>, WeakMap<object, boolean>>();

function hasTags(value: unknown, skipKeys: ReadonlySet<string>): boolean {
  if (typeof value === "string") return value.includes("{{");
  if (Array.isArray(value)) return value.some((v) => hasTags(v, skipKeys));
  if (value && typeof value === "object") {
    for (const [k, inner] of Object.entries(value))
      if (!skipKeys.has(k) && hasTags(inner, skipKeys)) return true;
  }
  return false;
}

/** Whether substDeep would change anything in `value` (a `{{` outside `skipKeys`); remembered per object. */
export function needsSubst(value: unknown, skipKeys: ReadonlySet<string> = NO_KEYS): boolean {
  if (!value || typeof value !== "object") return typeof value === "string" && value.includes("{{");
  let known = tagged.get(skipKeys);
  if (!known) {
    known = new WeakMap();
    tagged.set(skipKeys, known);
  }
  let tags = known.get(value);
  if (tags === undefined) {
    tags = hasTags(value, skipKeys);
    known.set(value, tags);
  }
  return tags;
}

/**
 * Substitutes every string inside a JSON-like value (Argo substitutes the JSON text of templates and steps). A
 * value without tags is returned as it is, not copied: templates and tasks are substituted for every step, and
 * most have none. Callers never modify the result.
 */
export function substDeep<T>(
  value: T,
  vars: Record<string, string>,
  skipKeys: ReadonlySet<string> = NO_KEYS,
): T {
  if (!needsSubst(value, skipKeys)) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return subst(v, vars);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v)) out[k] = skipKeys.has(k) ? inner : walk(inner);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

/** Go's `%v` of a JSON value, as Argo prints item values. */
export function goString(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** The `(k:desc)` suffix Argo gives loop children. */
export function itemSuffix(index: number, item: unknown): string {
  let desc: string;
  if (item && typeof item === "object" && !Array.isArray(item)) {
    desc = Object.entries(item)
      .map(([k, v]) => `${k}:${goString(v)}`)
      .sort()
      .join(",");
  } else desc = goString(item);
  return `(${index}:${desc.replaceAll("(", "").replaceAll(")", "")})`;
}

/** Variables a loop item provides: `item`, and `item.<key>` for map items. */
export function itemVars(item: unknown): Record<string, string> {
  const vars: Record<string, string> = { item: goString(item) };
  if (item && typeof item === "object" && !Array.isArray(item)) {
    for (const [k, v] of Object.entries(item)) vars[`item.${k}`] = goString(v);
  }
  return vars;
}

export class LoopError extends Error {}

/** strconv.Atoi of the substituted field, as Argo's expandSequence (operator.go) reads it. */
function toInt(v: string | number | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number") return Math.trunc(v);
  try {
    return atoi(v);
  } catch (error) {
    throw new LoopError(error instanceof Error ? error.message : String(error));
  }
}

function printfInt(format: string, n: number): string {
  return format.replace(/%(-)?(0)?(\d+)?([dxXo])/g, (_m, left, zero, width, verb) => {
    let s =
      verb === "x"
        ? n.toString(16)
        : verb === "X"
          ? n.toString(16).toUpperCase()
          : verb === "o"
            ? n.toString(8)
            : String(n);
    const w = width ? Number(width) : 0;
    if (s.length < w) s = left ? s.padEnd(w, " ") : s.padStart(w, zero ? "0" : " ");
    return s;
  });
}

/** Expands `withSequence` (count xor end, inclusive, descending when start > end, printf format, string items). */
export function expandSequence(seq: Sequence): string[] {
  const start = toInt(seq.start) ?? 0;
  const count = toInt(seq.count);
  const endField = toInt(seq.end);
  if (count !== undefined && endField !== undefined)
    throw new LoopError("withSequence: only one of count or end can be defined");
  const format = seq.format ?? "%d";
  const items: string[] = [];
  if (count !== undefined) {
    for (let i = 0; i < count; i++) items.push(printfInt(format, start + i));
    return items;
  }
  const end = endField ?? 0;
  const step = start <= end ? 1 : -1;
  for (let i = start; step > 0 ? i <= end : i >= end; i += step) items.push(printfInt(format, i));
  return items;
}

/** The items of a loop, or undefined when the step/task has no loop. */
export function loopItems(source: {
  withItems?: Item[];
  withParam?: string;
  withSequence?: Sequence;
}): unknown[] | undefined {
  if (source.withItems !== undefined) return source.withItems;
  if (source.withParam !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(source.withParam);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed)) {
      throw new LoopError(`withParam value could not be parsed as a JSON list: ${source.withParam.trim()}`);
    }
    return parsed;
  }
  if (source.withSequence !== undefined) return expandSequence(source.withSequence);
  return undefined;
}

/** Adds a finished node's variables under `prefix` (`steps.x` / `tasks.x`). */
export function addNodeToScope(scope: Scope, prefix: string, node: NodeStatus): void {
  const v = scope.vars;
  v[`${prefix}.id`] = node.id;
  v[`${prefix}.status`] = node.phase ?? "";
  if (node.startedAt) v[`${prefix}.startedAt`] = node.startedAt;
  if (node.finishedAt) v[`${prefix}.finishedAt`] = node.finishedAt;
  if (node.hostNodeName) v[`${prefix}.hostNodeName`] = node.hostNodeName;
  const out = node.outputs;
  if (!out) return;
  if (out.exitCode !== undefined) v[`${prefix}.exitCode`] = out.exitCode;
  if (out.result !== undefined) v[`${prefix}.outputs.result`] = out.result;
  for (const p of out.parameters ?? []) {
    if (p.value !== undefined) v[`${prefix}.outputs.parameters.${p.name}`] = p.value;
  }
  for (const a of out.artifacts ?? []) scope.artifacts[`${prefix}.outputs.artifacts.${a.name}`] = a;
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Aggregated outputs of a looped step/task over its Succeeded children (sorted by index). */
export function addAggregateToScope(scope: Scope, prefix: string, children: NodeStatus[]): void {
  const ok = children.filter((c) => c.phase === "Succeeded");
  const paramMaps: Record<string, string>[] = [];
  const byName = new Map<string, string[]>();
  const results: unknown[] = [];
  let anyResult = false;
  for (const child of ok) {
    const map: Record<string, string> = {};
    for (const p of child.outputs?.parameters ?? []) {
      if (p.value === undefined) continue;
      map[p.name] = p.value;
      const list = byName.get(p.name) ?? [];
      list.push(p.value);
      byName.set(p.name, list);
    }
    paramMaps.push(map);
    if (child.outputs?.result !== undefined) {
      anyResult = true;
      results.push(parseJsonOr(child.outputs.result));
    }
  }
  scope.vars[`${prefix}.outputs.parameters`] = JSON.stringify(paramMaps);
  for (const [name, values] of byName) {
    const decoded = values.map(parseJsonOr);
    const allStructured = decoded.every((d) => d !== null && typeof d === "object");
    scope.vars[`${prefix}.outputs.parameters.${name}`] = JSON.stringify(allStructured ? decoded : values);
  }
  if (anyResult) scope.vars[`${prefix}.outputs.result`] = JSON.stringify(results);
}

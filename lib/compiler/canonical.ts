// The canonical form of a spec, shared by its YAML and JSON renderings: a fixed key order wherever
// keys appear. Kept apart from the YAML writer so that JSON does not load it.
// Keys that lead, in this order, wherever they appear (Argo's documentation order: identity, then the
// template's interface, then its body). Other keys follow alphabetically; TRAILING keys close the object.
const LEADING = [
  "apiVersion",
  "kind",
  "metadata",
  "name",
  "generateName",
  "namespace",
  "labels",
  "annotations",
  "spec",
  "schedule",
  "schedules",
  "timezone",
  "concurrencyPolicy",
  "startingDeadlineSeconds",
  "suspend",
  "workflowSpec",
  "workflowTemplateRef",
  "entrypoint",
  "arguments",
  "template",
  "templateRef",
  "inputs",
  "outputs",
  "parameters",
  "artifacts",
  "value",
  "default",
  "enum",
  "description",
  "valueFrom",
  "globalName",
  "path",
  "dependencies",
  "depends",
  "when",
  "withItems",
  "withParam",
  "withSequence",
  "container",
  "script",
  "resource",
  "http",
  "dag",
  "steps",
  "data",
  "containerSet",
  "plugin",
  "image",
  "command",
  "args",
  "source",
];
const TRAILING = ["templates"];
const rank = new Map<string, number>([
  ...LEADING.map((k, i): [string, number] => [k, i - LEADING.length - 1]),
  ...TRAILING.map((k, i): [string, number] => [k, i + 1]),
]);

export function compareKeys(a: string, b: string): number {
  const ra = rank.get(a) ?? 0;
  const rb = rank.get(b) ?? 0;
  if (ra !== rb) return ra - rb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A deep copy with every object's keys in canonical order; `undefined` members dropped (as JSON does). */
export function canonicalize<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => canonicalize(item)) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compareKeys)) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) out[key] = canonicalize(member);
  }
  return out as T;
}

/** Canonical, pretty JSON for a spec (same key order as the YAML). */
export function toJson(spec: unknown): string {
  return `${JSON.stringify(canonicalize(spec), null, 2)}\n`;
}

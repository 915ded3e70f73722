import type { WorkflowSpec } from "./types.generated";

/**
 * Argo's AnyString (pkg/apis/workflow/v1alpha1/anystring.go): a parameter's `value`, `default`, `enum` items,
 * `description` and `valueFrom.default` accept a YAML number or boolean and hold it as text. Skiff reads
 * manifests as plain JSON, so a `value: 3` arrives as a number; decoding it here gives every reader a string.
 */
export function anyString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return goFloatText(value);
  return undefined;
}

/** Decodes every parameter list in a spec in place (arguments, inputs, outputs, templateDefaults, inline templates). */
export function decodeAnyStrings(spec: WorkflowSpec): void {
  walk(spec);
}

function walk(value: unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v);
    return;
  }
  if (!value || typeof value !== "object") return;
  for (const [key, inner] of Object.entries(value)) {
    if (key === "parameters" && Array.isArray(inner)) for (const p of inner) decodeParameter(p);
    walk(inner);
  }
}

function decodeParameter(p: unknown): void {
  if (!p || typeof p !== "object") return;
  const param = p as Record<string, unknown>;
  for (const field of ["value", "default", "description"]) decodeField(param, field);
  if (Array.isArray(param.enum)) param.enum = param.enum.map((e) => anyString(e) ?? "");
  const from = param.valueFrom;
  if (from && typeof from === "object") decodeField(from as Record<string, unknown>, "default");
}

/** A null is no value; a list or a map decodes to "" (AnyString's UnmarshalJSON has no case for them). */
function decodeField(holder: Record<string, unknown>, field: string): void {
  const value = holder[field];
  if (value === undefined || typeof value === "string") return;
  if (value === null) delete holder[field];
  else holder[field] = anyString(value) ?? "";
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest text that reads back, never in exponent form. */
function goFloatText(n: number): string {
  const text = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, lead, frac = "", exp] = m;
  const digits = lead + frac;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

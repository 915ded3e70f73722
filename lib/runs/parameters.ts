import type { Workflow } from "../argo";
import type { PipelineVersion } from "../ports/pipeline-store";
import { unsafeCharacter } from "./unsafe-text";

/** A workflow parameter as declared by the spec (`spec.arguments.parameters`). */
export interface DeclaredParameter {
  name: string;
  /** The value used when the run request gives none. */
  default?: string;
  enum?: string[];
  description?: string;
  /** Whether a run must supply it. Default: when it has no default. */
  required?: boolean;
}

export interface ParameterIssue {
  /** `parameters.<name>`, or `parameters` for issues of the whole set. */
  field: string;
  code:
    | "unknown"
    | "missing"
    | "not-in-enum"
    | "type"
    | "too-large"
    | "too-many"
    | "bad-name"
    | "unsafe-character";
  message: string;
}

export interface ParameterLimits {
  /** Most parameters per run. Default: 100 (as lib/config.ts's `maxParameters`). */
  maxParameters: number;
  /** Longest value, in UTF-8 bytes. Default: 64 KiB. */
  maxValueBytes: number;
  /** All values together, in UTF-8 bytes. Default: 256 KiB (a DynamoDB item holds 400 KB). */
  maxTotalBytes: number;
}

export const defaultParameterLimits: ParameterLimits = {
  maxParameters: 100,
  maxValueBytes: 64 * 1024,
  maxTotalBytes: 256 * 1024,
};

export type ParameterValidation =
  | {
      ok: true;
      /** The values the request supplied, as strings: what reaches the engine as `arguments.parameters`. */
      supplied: Record<string, string>;
      /** Supplied values plus the defaults of the others: what the run record stores and search indexes. */
      effective: Record<string, string>;
    }
  | { ok: false; issues: ParameterIssue[] };

/** Argo parameter names: what `{{workflow.parameters.<name>}}` can reference. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** The parameters a compiled spec declares: a value in the spec is the default a run may override. */
export function declaredParameters(spec: Workflow): DeclaredParameter[] {
  return (spec.spec?.arguments?.parameters ?? []).map((p) => {
    const fallback = p.value ?? p.default ?? p.valueFrom?.default;
    return {
      name: p.name,
      default: fallback,
      enum: p.enum,
      required: fallback === undefined && p.valueFrom === undefined,
    };
  });
}

/** The same, from a recorded version (what the run endpoint has without reading the spec). */
export function versionParameters(version: Pick<PipelineVersion, "parameters">): DeclaredParameter[] {
  return version.parameters.map((p) => ({ ...p }));
}

/**
 * Checks a run request's parameters against the declared ones and lists every problem at once: unknown
 * names, missing required ones, values outside an enum, non-scalar values, sizes over the limits and values
 * with a NUL or another control character (lib/runs/unsafe-text.ts).
 * Numbers and booleans are accepted and turned into strings (Argo parameters are strings).
 */
export function validateParameters(
  declared: DeclaredParameter[],
  input: unknown,
  limits: Partial<ParameterLimits> = {},
): ParameterValidation {
  const { maxParameters, maxValueBytes, maxTotalBytes } = { ...defaultParameterLimits, ...limits };
  const issues: ParameterIssue[] = [];
  if (input !== undefined && input !== null && (typeof input !== "object" || Array.isArray(input))) {
    return {
      ok: false,
      issues: [
        { field: "parameters", code: "type", message: "parameters must be an object of name → value" },
      ],
    };
  }
  const given = (input ?? {}) as Record<string, unknown>;
  const byName = new Map(declared.map((d) => [d.name, d]));
  const supplied: Record<string, string> = {};
  const names = Object.keys(given);
  if (names.length > maxParameters) {
    issues.push({
      field: "parameters",
      code: "too-many",
      message: `at most ${maxParameters} parameters are accepted, got ${names.length}`,
    });
  }
  let total = 0;
  for (const name of names) {
    const field = `parameters.${name}`;
    if (!NAME.test(name)) {
      issues.push({ field, code: "bad-name", message: `"${name}" is not a valid parameter name` });
      continue;
    }
    const declaration = byName.get(name);
    if (!declaration) {
      const known = declared.map((d) => d.name).join(", ") || "none";
      issues.push({ field, code: "unknown", message: `unknown parameter "${name}" (declared: ${known})` });
      continue;
    }
    const raw = given[name];
    if (typeof raw !== "string" && typeof raw !== "number" && typeof raw !== "boolean") {
      issues.push({ field, code: "type", message: `"${name}" must be a string, number or boolean` });
      continue;
    }
    const value = String(raw);
    const bytes = Buffer.byteLength(value, "utf8");
    total += bytes;
    if (bytes > maxValueBytes) {
      issues.push({
        field,
        code: "too-large",
        message: `"${name}" is ${bytes} bytes; the limit is ${maxValueBytes}`,
      });
      continue;
    }
    const unsafe = unsafeCharacter(value);
    if (unsafe) {
      issues.push({ field, code: "unsafe-character", message: `"${name}" contains ${unsafe}` });
      continue;
    }
    if (declaration.enum?.length && !declaration.enum.includes(value)) {
      issues.push({
        field,
        code: "not-in-enum",
        message: `"${name}" must be one of ${declaration.enum.map((e) => JSON.stringify(e)).join(", ")}, got ${JSON.stringify(value)}`,
      });
      continue;
    }
    supplied[name] = value;
  }
  if (total > maxTotalBytes) {
    issues.push({
      field: "parameters",
      code: "too-large",
      message: `parameter values total ${total} bytes; the limit is ${maxTotalBytes}`,
    });
  }
  for (const declaration of declared) {
    const required = declaration.required ?? declaration.default === undefined;
    if (required && !(declaration.name in given)) {
      issues.push({
        field: `parameters.${declaration.name}`,
        code: "missing",
        message: `missing required parameter "${declaration.name}"`,
      });
    }
  }
  if (issues.length) return { ok: false, issues };
  const effective: Record<string, string> = {};
  for (const d of declared) if (d.default !== undefined) effective[d.name] = d.default;
  return { ok: true, supplied, effective: { ...effective, ...supplied } };
}

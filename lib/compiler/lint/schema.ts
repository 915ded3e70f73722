import type { Diagnostic } from "../diagnostics";
import { errorAt } from "../diagnostics";
import * as generated from "./argo-validate.generated";

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}
type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };
type Validators = Record<
  "Workflow" | "WorkflowTemplate" | "CronWorkflow" | "ClusterWorkflowTemplate",
  Validate
>;

// Compiled from Argo's schema by ajv at dev time (scripts/gen-argo-schema.mjs), so no process pays ajv's
// ~600 ms compile; the CLI imports the lint module only for commands that lint.
const validators = generated as unknown as Validators;

export const KINDS = ["Workflow", "WorkflowTemplate", "CronWorkflow", "ClusterWorkflowTemplate"] as const;

/** `/spec/templates/0/name` → `spec.templates[0].name` */
export function pointerToPath(pointer: string): string {
  let path = "";
  for (const raw of pointer.split("/").slice(1)) {
    const part = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (/^\d+$/.test(part)) path += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) path += path ? `.${part}` : part;
    else path += `[${JSON.stringify(part)}]`;
  }
  return path;
}

function describe(error: AjvError): string {
  switch (error.keyword) {
    case "type":
      return `must be ${String(error.params.type).replaceAll(",", " or ")}`;
    case "required":
      return `is missing the required field "${String(error.params.missingProperty)}"`;
    case "const":
      return `must be ${JSON.stringify(error.params.allowedValue)}`;
    case "enum":
      return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "additionalProperties":
      return `has an unknown field "${String(error.params.additionalProperty)}"`;
    default:
      return error.message ?? `fails the schema's ${error.keyword} rule`;
  }
}

/** Validates a spec against Argo's JSON Schema for its kind. */
export function validateSchema(spec: unknown): Diagnostic[] {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    return [errorAt("schema", "the spec must be an object")];
  }
  const kind = (spec as { kind?: unknown }).kind;
  if (typeof kind !== "string" || !(KINDS as readonly string[]).includes(kind)) {
    return [
      errorAt(
        "schema.kind",
        `kind must be one of ${KINDS.join(", ")} (got ${JSON.stringify(kind)})`,
        undefined,
        "kind",
      ),
    ];
  }
  const validate = validators[kind as keyof Validators];
  if (validate(spec)) return [];
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const error of validate.errors ?? []) {
    const path = pointerToPath(error.instancePath);
    const message = `${path || "the spec"} ${describe(error)}`;
    if (seen.has(message)) continue;
    seen.add(message);
    out.push(errorAt("schema", message, undefined, path || undefined));
  }
  return out;
}

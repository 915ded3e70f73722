import type { Workflow } from "../../argo";
import { ExpressionError, evaluateExpr, exprEnvOf, MapScope } from "../../argo/expr";

/** Kubernetes' label value rule (validation.IsValidLabelValue), with its own wording. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_VALUE_MAX = 63;

function labelValueErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > LABEL_VALUE_MAX) errors.push(`must be no more than ${LABEL_VALUE_MAX} characters`);
  if (!LABEL_VALUE.test(value)) {
    errors.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must " +
        "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used " +
        "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
  }
  return errors;
}

/** Go's %q of a string (close enough: JSON's escaping of the same characters). */
const q = (s: string) => JSON.stringify(s);

/**
 * Argo's updateWorkflowMetadata, done when the workflow first runs: `spec.workflowMetadata.labels` and
 * `annotations` are copied onto the workflow, then each `labelsFrom` expression is evaluated (expr, over the
 * workflow's variables with the labels and annotations just set) and must give a valid label value. Each label
 * and annotation set is also added to `vars` (`workflow.labels.<k>`, `workflow.annotations.<k>`). Throws with
 * Argo's message when a value is invalid or an expression fails; the workflow then ends Error.
 */
export function applyWorkflowMetadata(wf: Workflow, vars: Record<string, string>): void {
  const md = wf.spec.workflowMetadata;
  if (!md) return;
  const meta = wf.metadata;
  const labels = { ...meta.labels };
  const annotations = { ...meta.annotations };
  for (const [name, value] of Object.entries(md.labels ?? {})) {
    const errors = labelValueErrors(value);
    if (errors.length)
      throw new Error(`invalid label value ${q(value)} for label ${q(name)}: ${errors.join(";")}`);
    labels[name] = value;
    vars[`workflow.labels.${name}`] = value;
  }
  for (const [name, value] of Object.entries(md.annotations ?? {})) {
    annotations[name] = value;
    vars[`workflow.annotations.${name}`] = value;
  }
  const env = exprEnvOf(new MapScope({ ...vars }));
  for (const [name, from] of Object.entries(md.labelsFrom ?? {})) {
    const expression = from.expression ?? "";
    let result: unknown;
    try {
      result = evaluateExpr(expression, env);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // evaluateExpr throws an ExpressionError when evaluating fails, anything else when parsing does.
      const message =
        error instanceof ExpressionError
          ? `failed to evaluate label ${q(name)} expression ${q(expression)}: ${reason}`
          : `failed to compile function for expression ${q(expression)}: ${reason}`;
      throw new Error(message, { cause: error });
    }
    if (typeof result !== "string") {
      throw new Error(
        `failed to evaluate label ${q(name)} expression ${q(expression)} evaluted to ${goType(result)} but must be a string`,
      );
    }
    const errors = labelValueErrors(result);
    if (errors.length) {
      throw new Error(
        `invalid label value ${q(result)} for label ${q(name)} and expression ${q(expression)}: ${errors.join(";")}`,
      );
    }
    labels[name] = result;
    vars[`workflow.labels.${name}`] = result;
  }
  meta.labels = labels;
  meta.annotations = annotations;
  vars["workflow.labels.json"] = JSON.stringify(labels);
  vars["workflow.annotations.json"] = JSON.stringify(annotations);
}

/** The Go type name `%T` prints for an expr value. */
function goType(value: unknown): string {
  if (value === null || value === undefined) return "<nil>";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float64";
  if (Array.isArray(value)) return "[]interface {}";
  return "map[string]interface {}";
}

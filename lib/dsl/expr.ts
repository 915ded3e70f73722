// Expressions for `depends` (Argo's enhanced depends logic) and `when` (govaluate conditions). Both are strings
// in the spec; the helpers only decide spacing and parentheses so that precedence is what the code says.
// The typed expression builder, `ex`, is in ex.ts.
import type { Expr } from "./ex";

/** Anything that can stand for a task or step in an expression: the node itself, or a string already built. */
export interface Named {
  readonly name: string;
}
export type Operand = string | Named;

function text(operand: Operand): string {
  return typeof operand === "string" ? operand : operand.name;
}

/** True when the whole expression is one parenthesised group, e.g. `(a || b)` but not `(a) && (b)`. */
function isWrapped(value: string): boolean {
  if (!value.startsWith("(")) return false;
  let depth = 0;
  for (let index = 0; index < value.length; index++) {
    if (value[index] === "(") depth++;
    else if (value[index] === ")") depth--;
    if (depth === 0 && index < value.length - 1) return false;
  }
  return true;
}

function group(operand: Operand): string {
  const value = text(operand).trim();
  return /&&|\|\|/.test(value) && !isWrapped(value) ? `(${value})` : value;
}

function join(operator: string, operands: Operand[]): string {
  return operands.length === 1 ? text(operands[0]).trim() : operands.map(group).join(` ${operator} `);
}

/** `a && b && ...`; inner `||`/`&&` groups are parenthesised. */
export function and(...operands: Operand[]): string {
  return join("&&", operands);
}

/** `a || b || ...`; inner `||`/`&&` groups are parenthesised. */
export function or(...operands: Operand[]): string {
  return join("||", operands);
}

/** `!a` (or `!(a && b)`). */
export function not(operand: Operand): string {
  const value = group(operand);
  return /\s/.test(value) && !isWrapped(value) ? `!(${value})` : `!${value}`;
}

type Comparable = string | number | boolean;

function comparison(operator: string) {
  return (left: Comparable, right: Comparable): string => `${left} ${operator} ${right}`;
}

/** `left == right`, e.g. `when: eq(flip.result, "heads")` → `{{tasks.flip.outputs.result}} == heads`. */
export const eq = comparison("==");
export const ne = comparison("!=");
export const lt = comparison("<");
export const le = comparison("<=");
export const gt = comparison(">");
export const ge = comparison(">=");
/** govaluate's regular-expression match: `left =~ pattern`. */
export const matches = comparison("=~");

/** An Argo expression tag: `{{=expression}}` (from expr-lang text, or from an `ex(...)` expression). */
export function expression(source: string | Expr): string {
  return typeof source === "string" ? `{{=${source}}}` : source.tag();
}

/** The current loop item, `{{item}}`. */
export const item = "{{item}}";

export { itemField } from "./items";

/** Template-scope references, for use inside a template's own fields. */
export const inputs = Object.freeze({
  parameter: (name: string): string => `{{inputs.parameters.${name}}}`,
  artifact: (name: string): string => `{{inputs.artifacts.${name}}}`,
  artifactPath: (name: string): string => `{{inputs.artifacts.${name}.path}}`,
});

/** Workflow-scope references: `{{workflow.parameters.x}}`, `{{workflow.name}}`, global outputs. */
export const workflowRef = Object.freeze({
  parameter: (name: string): string => `{{workflow.parameters.${name}}}`,
  outputParameter: (name: string): string => `{{workflow.outputs.parameters.${name}}}`,
  outputArtifact: (name: string): string => `{{workflow.outputs.artifacts.${name}}}`,
  name: "{{workflow.name}}",
  namespace: "{{workflow.namespace}}",
  uid: "{{workflow.uid}}",
  status: "{{workflow.status}}",
  failures: "{{workflow.failures}}",
});

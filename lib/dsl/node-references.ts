// Which tasks or steps a text names: `{{tasks.x.…}}` tags, and `tasks.x` / `tasks['x-y']` in expr-lang (inside
// `{{=…}}`, or a whole `expression:` field). Used for implicit DAG edges and to refuse names not in the graph.
import type { DeclMap } from "./data";
import { DslError, type SourceSite } from "./errors";
import { exprText } from "./ex";
import type { GraphKind } from "./graph";

// A node reference always goes on (`.outputs…`, `.status`, `.ip`…): `{{tasks.name}}` and `{{steps.name}}` alone are
// Argo's variables for the current task's or step's own name, not a node called "name".
const REFERENCE = { tasks: /\{\{\s*tasks\.([^.}\s]+)\./g, steps: /\{\{\s*steps\.([^.}\s]+)\./g };
const EXPRESSION_TAG = /\{\{=([\s\S]*?)\}\}/g;
const EXPRESSION_REFERENCE = {
  tasks: /(?<![\w$.#'"])tasks(?:\.([A-Za-z_$][\w$]*)|\[\s*(?:'([^']*)'|"([^"]*)")\s*\])/g,
  steps: /(?<![\w$.#'"])steps(?:\.([A-Za-z_$][\w$]*)|\[\s*(?:'([^']*)'|"([^"]*)")\s*\])/g,
};

/** Nodes an expr-lang text names (`tasks.x`, `tasks['x-y']`). */
export function expressionNodes(text: string, scope: GraphKind): string[] {
  if (!text.includes(scope)) return [];
  const names = new Set<string>();
  for (const match of text.matchAll(EXPRESSION_REFERENCE[scope])) names.add(match[1] ?? match[2] ?? match[3]);
  return [...names];
}

/** Nodes a templated text names: `{{tasks.x.…}}` tags and references inside `{{=…}}` tags. */
export function referencedNodes(text: string, scope: GraphKind): string[] {
  if (!text.includes("{{")) return [];
  const names = new Set<string>();
  for (const match of text.matchAll(REFERENCE[scope])) names.add(match[1]);
  if (text.includes("{{=")) {
    for (const tag of text.matchAll(EXPRESSION_TAG)) {
      for (const name of expressionNodes(tag[1], scope)) names.add(name);
    }
  }
  return [...names];
}

/**
 * A DAG's or steps template's outputs may read its nodes (`valueFrom.parameter`, `valueFrom.expression`, an
 * artifact's `from`): fails when one names a node the graph does not have (renamed, or misspelled by hand).
 */
export function checkOutputReferences(
  outputs: DeclMap,
  scope: GraphKind,
  has: (name: string) => boolean,
  where: { template: string; site: SourceSite | undefined },
): void {
  for (const [output, decl] of Object.entries(outputs)) {
    const texts: string[] = [];
    const names: string[] = [];
    if (decl.kind === "parameter") {
      const from = decl.options.valueFrom;
      if (typeof from?.parameter === "string") texts.push(from.parameter);
      if (from?.expression !== undefined)
        names.push(...expressionNodes(exprText(from.expression, "expr"), scope));
    } else if (typeof decl.options.from === "string") {
      texts.push(decl.options.from);
    }
    for (const text of texts) names.push(...referencedNodes(text, scope));
    const missing = names.find((name) => !has(name));
    if (missing !== undefined) {
      const kind = scope === "tasks" ? "task" : "step";
      throw new DslError(
        `output "${output}" of "${where.template}" references ${kind} "${missing}", which is not in "${where.template}" (renamed, or a misspelled name)`,
        { site: where.site },
      );
    }
  }
}

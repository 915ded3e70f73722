// Argo's `{{...}}` references in a string, turned into the DSL's typed references where they resolve.
import { referencedNodes as nodesInText } from "../dsl/node-references";
import { Code, escapeTemplate, isIdentifier, member, type Printable } from "./code";

/** A task or step already declared in the block being written, and the outputs its template declares. */
export interface NodeRef {
  variable: string;
  parameters: ReadonlySet<string>;
  artifacts: ReadonlySet<string>;
}

export interface Scope {
  /** Tasks (`{{tasks.x…}}`) or steps (`{{steps.x…}}`) of the DAG/steps block, declared so far. */
  graph?: { prefix: "tasks" | "steps"; nodes: ReadonlyMap<string, NodeRef> };
  /** The block's own inputs (`d.inputs.x`), by name → kind; names declared twice are left out. */
  inputs?: { variable: string; names: ReadonlyMap<string, "parameters" | "artifacts"> };
  /** Workflow arguments declared with `workflowArguments` (`args.refs.x`). */
  args?: { variable: string; parameters: ReadonlySet<string> };
  /** Whether `{{item}}` may become `item`/`itemField(...)` (in a task's or step's fields). */
  items?: boolean;
  /** DSL names the generated code uses (filled as references are written). */
  imports: Set<string>;
}

const NODE_FIELDS: Record<string, string> = {
  exitCode: "exitCode",
  status: "status",
  id: "id",
  ip: "ip",
  startedAt: "startedAt",
  finishedAt: "finishedAt",
};

/** The TypeScript for one reference (the text between the braces), or undefined when it stays as text. */
export function resolveReference(body: string, scope: Scope): string | undefined {
  const parts = body.split(".");
  const graph = scope.graph;
  if (graph && parts[0] === graph.prefix && parts.length >= 3) {
    const node = graph.nodes.get(parts[1]);
    if (!node) return undefined;
    const rest = parts.slice(2);
    if (rest.length === 1 && NODE_FIELDS[rest[0]]) return `${node.variable}.${NODE_FIELDS[rest[0]]}`;
    if (rest[0] !== "outputs") return undefined;
    if (rest.length === 2 && rest[1] === "result") return `${node.variable}.result`;
    if (rest.length === 2 && rest[1] === "parameters") return `${node.variable}.outputParameters`;
    if (rest.length !== 3) return undefined;
    const [, kind, name] = rest;
    if (kind === "parameters") {
      if (node.parameters.has(name) && !node.artifacts.has(name))
        return member(`${node.variable}.outputs`, name);
      return `${node.variable}.outputParameter(${JSON.stringify(name)})`;
    }
    if (kind === "artifacts") {
      if (node.artifacts.has(name) && !node.parameters.has(name))
        return member(`${node.variable}.outputs`, name);
      return `${node.variable}.outputArtifact(${JSON.stringify(name)})`;
    }
    return undefined;
  }
  if (scope.inputs && parts[0] === "inputs" && parts.length === 3) {
    const kind = scope.inputs.names.get(parts[2]);
    if (kind === parts[1]) return member(`${scope.inputs.variable}.inputs`, parts[2]);
    return undefined;
  }
  if (scope.args && parts[0] === "workflow" && parts[1] === "parameters" && parts.length === 3) {
    if (scope.args.parameters.has(parts[2])) return member(`${scope.args.variable}.refs`, parts[2]);
    return undefined;
  }
  if (scope.items && parts[0] === "item") {
    if (parts.length === 1) {
      scope.imports.add("item");
      return "item";
    }
    if (parts.slice(1).every((part) => isIdentifier(part) || /^[A-Za-z0-9_-]+$/.test(part))) {
      scope.imports.add("itemField");
      return `itemField(${JSON.stringify(parts.slice(1).join("."))})`;
    }
  }
  return undefined;
}

// A reference without spaces inside its braces; `{{= expr }}` and spaced tags stay as written.
const TAG = /\{\{([^{}\s=][^{}\s]*)\}\}/g;

/** A string with its references resolved: the string itself, one reference, or a template literal. */
export function renderText(text: string, scope: Scope): Printable {
  if (!text.includes("{{")) return text;
  const pieces: (string | Code)[] = [];
  let last = 0;
  let resolved = false;
  for (const match of text.matchAll(TAG)) {
    const expression = resolveReference(match[1], scope);
    if (expression === undefined) continue;
    resolved = true;
    pieces.push(text.slice(last, match.index), new Code(expression));
    last = match.index + match[0].length;
  }
  if (!resolved) return text;
  pieces.push(text.slice(last));
  const meaningful = pieces.filter((piece) => piece !== "");
  if (meaningful.length === 1 && meaningful[0] instanceof Code) return meaningful[0];
  const body = pieces
    .map((piece) => (piece instanceof Code ? `\${${piece.text}}` : escapeTemplate(piece)))
    .join("");
  return new Code(`\`${body}\``);
}

/** Every string inside `value` with its references resolved. */
export function renderValue(value: unknown, scope: Scope): Printable {
  if (typeof value === "string") return renderText(value, scope);
  if (Array.isArray(value)) return value.map((entry) => renderValue(entry, scope));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, Printable> = {};
    for (const [key, entry] of Object.entries(value)) out[key] = renderValue(entry, scope);
    return out;
  }
  return value as Printable;
}

/** Names of the tasks or steps a value's strings refer to (in `{{…}}` tags and `{{=…}}` expressions). */
export function referencedNodes(
  value: unknown,
  prefix: "tasks" | "steps",
  into = new Set<string>(),
): Set<string> {
  if (typeof value === "string") {
    for (const name of nodesInText(value, prefix)) into.add(name);
  } else if (Array.isArray(value)) {
    for (const entry of value) referencedNodes(entry, prefix, into);
  } else if (typeof value === "object" && value !== null) {
    for (const entry of Object.values(value)) referencedNodes(entry, prefix, into);
  }
  return into;
}

const ARGUMENT_TAG = /\{\{workflow\.parameters\.([^{}\s]+)\}\}/g;

/** Names of the workflow parameters a value's strings refer to (`{{workflow.parameters.x}}`). */
export function referencedArguments(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === "string") {
    if (value.includes("{{")) for (const match of value.matchAll(ARGUMENT_TAG)) into.add(match[1]);
  } else if (Array.isArray(value)) {
    for (const entry of value) referencedArguments(entry, into);
  } else if (typeof value === "object" && value !== null) {
    for (const entry of Object.values(value)) referencedArguments(entry, into);
  }
  return into;
}

// Workflow-scope references as the DSL's `workflowRef` spells them.
const WORKFLOW_REFS: Record<string, string> = {
  "{{workflow.status}}": "workflowRef.status",
  "{{workflow.name}}": "workflowRef.name",
  "{{workflow.namespace}}": "workflowRef.namespace",
  "{{workflow.uid}}": "workflowRef.uid",
  "{{workflow.failures}}": "workflowRef.failures",
};

/** `workflowRef.status` for `{{workflow.status}}` (and the other workflow-scope names it has). */
export function workflowReference(tag: string, scope: Scope): string | undefined {
  const code = WORKFLOW_REFS[tag];
  if (code !== undefined) scope.imports.add("workflowRef");
  return code;
}

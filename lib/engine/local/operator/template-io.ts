import type { Arguments, Artifact, Inputs, NodeStatus, Outputs, Parameter, Template } from "../../../argo";
import { evaluateExpr, exprEnvOf, MapScope } from "../expr";
import type { NodeTable } from "../nodes";
import { addNodeToScope, type Scope, subst, substDeep } from "../scope";

/** A template invocation that cannot start: its node is made with phase Error and this message. */
export class TemplateError extends Error {}

/** The arguments of a step or task that passes none (one object, so that substDeep knows it has no tags). */
const NO_ARGS: Arguments = Object.freeze({});

/** Names of sibling steps/tasks whose outputs.result a steps/DAG template references. */
export function resultReferences(t: Template): Set<string> {
  const text = JSON.stringify(t.steps ?? t.dag ?? {}) + JSON.stringify(t.outputs ?? {});
  const names = new Set<string>();
  for (const m of text.matchAll(
    /(?:steps|tasks)(?:\.([\w-]+)|\[\\?["']([\w-]+)\\?["']\])\.outputs\.result/g,
  )) {
    const name = m[1] ?? m[2];
    if (name) names.add(name);
  }
  return names;
}

/**
 * A template's inputs from the caller's arguments. `known`: the artifacts an input artifact's `from` can name;
 * `globals`: the workflow's variables, which each value is substituted with before the template sees it, `{{=…}}`
 * included (common.ProcessArgs → SubstituteParams' first pass; tags it cannot resolve stay for later).
 */
export function resolveInputs(
  tmpl: Template,
  args: Arguments | undefined,
  known: Readonly<Record<string, Artifact>>,
  globals: Record<string, string> = {},
): Inputs {
  const inputs: Inputs = {};
  const params: Parameter[] = [];
  for (const p of tmpl.inputs?.parameters ?? []) {
    const arg = args?.parameters?.find((a) => a.name === p.name);
    const raw = arg?.value ?? p.value ?? p.default;
    if (raw === undefined) throw new TemplateError(`inputs.parameters.${p.name} was not supplied`);
    const value = subst(raw, globals);
    if (p.enum?.length && !p.enum.includes(value)) {
      throw new TemplateError(
        `value '${value}' of inputs.parameters.${p.name} is not in its enum ${JSON.stringify(p.enum)}`,
      );
    }
    params.push({ ...p, value });
  }
  if (params.length) inputs.parameters = params;
  const artifacts: Artifact[] = [];
  for (const a of tmpl.inputs?.artifacts ?? []) {
    const arg = args?.artifacts?.find((x) => x.name === a.name);
    let source: Artifact | undefined = arg;
    if (arg?.from) {
      const key = arg.from.replace(/^\{\{\s*|\s*\}\}$/g, "");
      source = known[key];
      if (!source) {
        if (a.optional || arg.optional) continue;
        throw new TemplateError(`Unable to resolve: {{${key}}}`);
      }
    }
    const merged: Artifact = { ...a, ...(source ? pickLocation(source) : {}) };
    if (!merged.raw && !merged.s3 && !a.optional) {
      throw new TemplateError(`inputs.artifacts.${a.name} was not supplied`);
    }
    artifacts.push(merged);
  }
  if (artifacts.length) inputs.artifacts = artifacts;
  return inputs;
}

/** The variables a template is substituted with: the workflow's, its inputs, and its declared paths. */
export function inputVars(
  globals: Readonly<Record<string, string>>,
  tmpl: Template,
  inputs: Inputs,
): Record<string, string> {
  const vars: Record<string, string> = { ...globals };
  for (const p of inputs.parameters ?? [])
    if (p.value !== undefined) vars[`inputs.parameters.${p.name}`] = p.value;
  vars["inputs.parameters"] = JSON.stringify(inputs.parameters ?? []);
  for (const a of inputs.artifacts ?? []) if (a.path) vars[`inputs.artifacts.${a.name}.path`] = a.path;
  for (const p of tmpl.outputs?.parameters ?? []) {
    if (p.valueFrom?.path) vars[`outputs.parameters.${p.name}.path`] = p.valueFrom.path;
  }
  for (const a of tmpl.outputs?.artifacts ?? [])
    if (a.path) vars[`outputs.artifacts.${a.name}.path`] = a.path;
  return vars;
}

/** Substitutes a step's/task's arguments; a pure reference to an absent output is dropped (input default applies). */
export function resolveArguments(args: Arguments | undefined, scope: Scope): Arguments | Error {
  if (!args) return NO_ARGS;
  const parameters: Parameter[] = [];
  for (const p of args.parameters ?? []) {
    if (p.value === undefined) {
      parameters.push(p);
      continue;
    }
    let value: string;
    try {
      value = subst(p.value, scope.vars);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    if (/^\{\{\s*(steps|tasks)\.[^}]+\}\}$/.test(value.trim())) continue;
    parameters.push({ ...p, value });
  }
  const artifacts: Artifact[] = [];
  for (const a of args.artifacts ?? []) {
    if (a.from) {
      const key = subst(a.from, {}).replace(/^\{\{\s*|\s*\}\}$/g, "");
      const found = scope.artifacts[key];
      if (!found) {
        if (a.optional) continue;
        return new Error(`Unable to resolve: {{${key}}}`);
      }
      artifacts.push({ ...pickLocation(found), name: a.name });
    } else artifacts.push(substDeep(a, scope.vars));
  }
  return {
    ...(parameters.length ? { parameters } : {}),
    ...(artifacts.length ? { artifacts } : {}),
  };
}

/**
 * Steps/DAG outputs: `valueFrom.parameter` / `expression` / `default`, artifacts `from`. One that cannot be
 * resolved marks the node Error.
 */
export function resolveTemplateOutputs(
  table: NodeTable,
  node: NodeStatus,
  tmpl: Template,
  scope: Scope,
): void {
  const out = tmpl.outputs;
  if (!out) return;
  const outputs: Outputs = {};
  const params: Parameter[] = [];
  for (const p of out.parameters ?? []) {
    let value: string | undefined;
    try {
      if (p.valueFrom?.parameter !== undefined) value = subst(p.valueFrom.parameter, scope.vars, true);
      else if (p.valueFrom?.expression !== undefined) {
        // Evaluated directly: an untaken branch may name a skipped step's absent output (nil, as in Argo).
        value = exprText(evaluateExpr(p.valueFrom.expression, exprEnvOf(new MapScope(scope.vars))));
      } else if (p.value !== undefined) value = subst(p.value, scope.vars);
    } catch {
      value = undefined;
    }
    value ??= p.valueFrom?.default;
    if (value === undefined) {
      table.mark(node, "Error", `unable to resolve outputs from scope: outputs.parameters.${p.name}`);
      return;
    }
    params.push({ ...p, value });
  }
  if (params.length) outputs.parameters = params;
  const artifacts: Artifact[] = [];
  for (const a of out.artifacts ?? []) {
    const ref = a.from ?? (a.fromExpression ? subst(`{{=${a.fromExpression}}}`, scope.vars) : undefined);
    const key = ref?.replace(/^\{\{\s*|\s*\}\}$/g, "");
    const found = key ? scope.artifacts[key] : undefined;
    if (found)
      artifacts.push({
        ...pickLocation(found),
        name: a.name,
        ...(a.globalName ? { globalName: a.globalName } : {}),
      });
    else if (!a.optional) {
      table.mark(node, "Error", `unable to resolve outputs from scope: outputs.artifacts.${a.name}`);
      return;
    }
  }
  if (artifacts.length) outputs.artifacts = artifacts;
  if (Object.keys(outputs).length) node.outputs = outputs;
}

/** Adds a producer's outputs; a Skipped/Omitted producer contributes its declared `valueFrom.default`s. */
export function addProducerToScope(
  scope: Scope,
  prefix: string,
  node: NodeStatus,
  templates: ReadonlyMap<string, Template>,
  templateName: string | undefined,
): void {
  addNodeToScope(scope, prefix, node);
  if (node.phase === "Skipped" || node.phase === "Omitted") {
    const tmpl = templateName ? templates.get(templateName) : undefined;
    for (const p of tmpl?.outputs?.parameters ?? []) {
      if (p.valueFrom?.default !== undefined)
        scope.vars[`${prefix}.outputs.parameters.${p.name}`] = p.valueFrom.default;
    }
  }
}

/** The nodes with these ids in loop order (the index in a loop child's `(N:item)` suffix). */
export function inLoopOrder(table: NodeTable, ids: readonly string[] | undefined): NodeStatus[] {
  return (ids ?? [])
    .map((id) => table.get(id))
    .filter((n): n is NodeStatus => !!n)
    .sort((a, b) => loopIndex(a.name) - loopIndex(b.name));
}

function loopIndex(name: string): number {
  const m = /\((\d+):[^()]*\)$/.exec(name) ?? /\((\d+):.*\)$/.exec(name);
  return m?.[1] ? Number(m[1]) : 0;
}

/** An expression's value as parameter text (strings as is, the rest as JSON). */
function exprText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function pickLocation(a: Artifact): Partial<Artifact> {
  const out: Partial<Artifact> = {};
  if (a.raw) out.raw = a.raw;
  if (a.s3) out.s3 = a.s3;
  if (a.archive) out.archive = a.archive;
  return out;
}

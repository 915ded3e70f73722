import type {
  Arguments,
  Artifact,
  DAGTask,
  Inputs,
  NodeStatus,
  Outputs,
  Parameter,
  Template,
  WorkflowStep,
} from "../../../argo";
import { ABSENT_OPTIONAL, evaluateExpr, evaluateWhen, exprEnvOf, MapScope } from "../../../argo/expr";
import type { NodeTable } from "../nodes";
import { addNodeToScope, needsSubst, type Scope, subst, substDeep } from "../scope";

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
    const own = p.value ?? p.default;
    if (arg?.value === ABSENT_OPTIONAL && own === undefined) {
      // common.ProcessArgs: an argument naming an absent optional counts as not supplied; no default fails.
      throw new TemplateError(
        `inputs.parameters.${p.name}: argument references an absent optional (skipped/omitted node output with no default)`,
      );
    }
    const raw = arg?.value === ABSENT_OPTIONAL ? own : (arg?.value ?? own);
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
        throw new TemplateError(`Unable to resolve: ${JSON.stringify(key)}`);
      }
    }
    const merged: Artifact = { ...a, ...(source ? pickLocation(source) : {}) };
    if (!merged.raw && !merged.s3 && !a.optional) {
      // common.ProcessArgs: none passed, or one passed without a location (a skipped step's placeholder).
      throw new TemplateError(
        arg
          ? `inputs.artifacts.${a.name} missing location information`
          : `inputs.artifacts.${a.name} was not supplied`,
      );
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

/**
 * Substitutes a step's/task's arguments; a pure reference to an absent output is dropped (input default applies).
 * With `keepUnresolved` (a hook's arguments), only a reference to a Skipped/Omitted step's output is dropped; any
 * other that cannot be resolved stays as written.
 */
export function resolveArguments(
  args: Arguments | undefined,
  scope: Scope,
  keepUnresolved = false,
): Arguments | Error {
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
    const ref = /^\{\{\s*(steps|tasks)\.([^.}\s]+)\.[^}]+\}\}$/.exec(value.trim());
    if (ref && (!keepUnresolved || skippedOrOmitted(scope.vars[`${ref[1]}.${ref[2]}.status`]))) continue;
    parameters.push({ ...p, value });
  }
  const artifacts: Artifact[] = [];
  for (const a of args.artifacts ?? []) {
    if (a.from) {
      const key = subst(a.from, {}).replace(/^\{\{\s*|\s*\}\}$/g, "");
      const found = scope.artifacts[key];
      if (!found) {
        if (a.optional) continue;
        return new Error(`Unable to resolve: ${JSON.stringify(key)}`);
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
 * Steps/DAG outputs: `valueFrom.parameter` / `expression` / `default`, artifacts `from`, as Argo's
 * getTemplateOutputsFromScope (operator.go) resolves them. One that cannot be resolved marks the node Error with
 * Argo's error.
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
    const value = outputParameterValue(p, scope);
    if (value instanceof Error) {
      table.mark(node, "Error", value.message);
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
      table.mark(
        node,
        "Error",
        `unable to resolve outputs from scope: Unable to resolve: ${JSON.stringify(key ?? "")}`,
      );
      return;
    }
  }
  if (artifacts.length) outputs.artifacts = artifacts;
  if (Object.keys(outputs).length) node.outputs = outputs;
}

/** One output parameter of a steps/DAG template: its value, its `valueFrom.default` when that fails, or the error. */
function outputParameterValue(p: Parameter, scope: Scope): string | Error {
  const from = p.valueFrom;
  const fallback = (error: Error) => from?.default ?? error;
  if (from?.parameter !== undefined) {
    const tag = from.parameter.replace(/^\{\{/, "").replace(/\}\}$/, "").trim();
    if (scope.vars[tag] === ABSENT_OPTIONAL) {
      return fallback(
        new Error(
          `output parameter ${JSON.stringify(p.name)}: ${JSON.stringify(from.parameter)} is an absent optional (skipped/omitted node output with no default)`,
        ),
      );
    }
    try {
      return subst(from.parameter, scope.vars, true);
    } catch {
      return fallback(new Error(`Unable to resolve: ${JSON.stringify(tag)}`));
    }
  }
  if (from?.expression !== undefined) {
    // Evaluated directly: an untaken branch may name a skipped step's absent output (nil, as in Argo).
    let value: string | undefined;
    try {
      value = exprText(evaluateExpr(from.expression, exprEnvOf(new MapScope(scope.vars))));
    } catch (error) {
      return fallback(error instanceof Error ? error : new Error(String(error)));
    }
    return value ?? fallback(new Error(`failed to evaluate expression ${JSON.stringify(from.expression)}`));
  }
  if (p.value !== undefined) {
    try {
      return subst(p.value, scope.vars);
    } catch (error) {
      return fallback(error instanceof Error ? error : new Error(String(error)));
    }
  }
  return from?.default ?? new Error("output parameters must have a valueFrom specified");
}

/**
 * Adds a producer's outputs. A Skipped/Omitted producer without outputs contributes its declared outputs as Argo's
 * addSkippedNodeOutputsToScope (scope.go) does: a `valueFrom.default` as the value, else an absent optional (an
 * error where a tag names it, nil in expressions); in steps (`placeholders`) its output artifacts as artifacts
 * without a location.
 */
export function addProducerToScope(
  scope: Scope,
  prefix: string,
  node: NodeStatus,
  tmpl: Template | undefined,
  placeholders = false,
): void {
  addNodeToScope(scope, prefix, node);
  if ((node.phase !== "Skipped" && node.phase !== "Omitted") || node.outputs) return;
  for (const p of tmpl?.outputs?.parameters ?? []) {
    scope.vars[`${prefix}.outputs.parameters.${p.name}`] = p.valueFrom?.default ?? ABSENT_OPTIONAL;
  }
  if (!placeholders) return;
  for (const a of tmpl?.outputs?.artifacts ?? []) {
    scope.artifacts[`${prefix}.outputs.artifacts.${a.name}`] = { name: a.name };
  }
}

/**
 * The artifacts a steps or DAG template's children can name: the workflow's, and the template's own inputs as
 * `inputs.artifacts.x` (scope.go resolveVar), an optional one not supplied included (it passes no location).
 */
export function artifactRefs(
  globals: Readonly<Record<string, Artifact>>,
  tmpl: Template,
): Record<string, Artifact> {
  if (!tmpl.inputs?.artifacts?.length) return globals as Record<string, Artifact>;
  const refs: Record<string, Artifact> = { ...globals };
  for (const a of tmpl.inputs.artifacts) refs[`inputs.artifacts.${a.name}`] = a;
  return refs;
}

/**
 * A step or task substituted with its scope in Argo's order (steps.go resolveReferences, dag.go
 * resolveDependencyReferences): its `when` first, and a step that will not run resolves nothing else; then
 * arguments that are a pure reference to an absent optional are passed as such (the consumer's input default
 * decides); then the rest, where any other reference to an absent optional is an error.
 */
export function substituteStep<T extends WorkflowStep | DAGTask>(
  raw: T,
  vars: Record<string, string>,
  keep: ReadonlySet<string>,
): T {
  if (!needsSubst(raw, keep)) return raw;
  const looped = raw.withItems !== undefined || raw.withParam !== undefined || raw.withSequence !== undefined;
  if (raw.when?.includes("{{") && !looped) {
    const when = subst(raw.when, vars);
    let proceed: boolean | undefined;
    try {
      proceed = evaluateWhen(when);
    } catch {
      proceed = undefined;
    }
    if (proceed === false) return { ...raw, when };
  }
  return substDeep(markAbsentArguments(raw, vars), vars, keep);
}

function markAbsentArguments<T extends WorkflowStep | DAGTask>(step: T, vars: Record<string, string>): T {
  const params = step.arguments?.parameters;
  if (!params?.some((p) => absentReference(p.value, vars))) return step;
  return {
    ...step,
    arguments: {
      ...step.arguments,
      parameters: params.map((p) => (absentReference(p.value, vars) ? { ...p, value: ABSENT_OPTIONAL } : p)),
    },
  };
}

/** Whether a value is one tag (`{{ key }}`, nothing around it) naming an absent optional. */
function absentReference(value: string | undefined, vars: Record<string, string>): boolean {
  if (!value?.startsWith("{{") || !value.endsWith("}}")) return false;
  const key = value.slice(2, -2).trim();
  return !key.includes("{{") && !key.includes("}}") && vars[key] === ABSENT_OPTIONAL;
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

function skippedOrOmitted(phase: string | undefined): boolean {
  return phase === "Skipped" || phase === "Omitted";
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

// DAG and steps templates: `dag(...)`/`steps(...)` blocks whose tasks and steps refer to each other by variable.
import { Code, type Printable, type PrintableObject, print } from "./code";
import type { DocContext, Json, TemplateInfo } from "./context";
import { dependsCode, dependsTasks, parseDependsTree, plainConjunction } from "./depends";
import { expressionCode } from "./expression";
import { type Accepts, argumentValues, declarations, isRecord } from "./io";
import { commonOptions, leafScope, type Written } from "./leaf";
import {
  type NodeRef,
  referencedNodes,
  renderText,
  renderValue,
  type Scope,
  workflowReference,
} from "./refs";

const NODE_FIELDS = new Set([
  "name",
  "template",
  "templateRef",
  "arguments",
  "depends",
  "dependencies",
  "when",
  "withItems",
  "withParam",
  "withSequence",
  "continueOn",
  "onExit",
  "hooks",
]);

interface Runnable {
  variable: string;
  accepts: Accepts;
  outputs: { parameters: ReadonlySet<string>; artifacts: ReadonlySet<string> };
  /** The template's name when it is one of this document's. */
  local?: string;
}

const NO_OUTPUTS = { parameters: new Set<string>(), artifacts: new Set<string>() };

/** The variable for a `templateRef`, declared once per module. */
export function templateRefHandle(ref: unknown, ctx: DocContext): string | undefined {
  if (!isRecord(ref) || typeof ref.name !== "string" || typeof ref.template !== "string") return undefined;
  if (Object.keys(ref).some((key) => !["name", "template", "clusterScope"].includes(key))) return undefined;
  if (ref.clusterScope !== undefined && typeof ref.clusterScope !== "boolean") return undefined;
  const key = JSON.stringify([ref.name, ref.template, ref.clusterScope]);
  const known = ctx.refs.get(key);
  if (known) return known;
  const variable = ctx.namer.fresh(ref.template, "Ref");
  ctx.imports.add("templateRef");
  ctx.statements.push(`const ${variable} = templateRef(${print(ref as PrintableObject)});`);
  ctx.refs.set(key, variable);
  return variable;
}

function runnableOf(
  node: Json,
  ctx: DocContext,
  self?: { name: string; runnable: Runnable },
): Runnable | undefined {
  if (typeof node.template === "string" && node.templateRef === undefined) {
    if (self && node.template === self.name) return self.runnable;
    const info = ctx.templates.get(node.template);
    if (!info) return undefined;
    return { variable: info.variable, accepts: info.accepts, outputs: info.outputs, local: info.name };
  }
  if (node.templateRef !== undefined && node.template === undefined) {
    const variable = templateRefHandle(node.templateRef, ctx);
    return variable ? { variable, accepts: {}, outputs: NO_OUTPUTS } : undefined;
  }
  return undefined;
}

/** Hooks as the DSL's `{ name: { template, args, expression } }`; undefined when they cannot be said so. */
export function hooksCode(
  hooks: unknown,
  ctx: DocContext,
  scope: Scope,
  uses: Set<string>,
): PrintableObject | undefined {
  if (!isRecord(hooks)) return undefined;
  const out: PrintableObject = {};
  const used: string[] = [];
  for (const [name, hook] of Object.entries(hooks)) {
    if (
      !isRecord(hook) ||
      Object.keys(hook).some((k) => !["template", "templateRef", "arguments", "expression"].includes(k))
    ) {
      return undefined;
    }
    const runnable = runnableOf(hook, ctx);
    if (!runnable) return undefined;
    const written: PrintableObject = { template: new Code(runnable.variable) };
    if (hook.arguments !== undefined) {
      const args = argumentValues(hook.arguments, { ...runnable.accepts, parameters: undefined }, scope);
      if (!args) return undefined;
      written.args = args;
    }
    if (hook.expression !== undefined) {
      const expression =
        typeof hook.expression === "string" ? expressionCode(hook.expression, "expr", scope) : undefined;
      written.expression = expression ? new Code(expression) : renderValue(hook.expression, scope);
    }
    if (runnable.local) used.push(runnable.local);
    out[name] = written;
  }
  for (const name of used) uses.add(name);
  return out;
}

/** Stable topological order of a DAG's tasks (a task after those it waits for or refers to); undefined on a cycle. */
function dagOrder(tasks: Json[]): Json[] | undefined {
  const names = new Set(tasks.map((task) => task.name as string));
  const waits = new Map<string, Set<string>>();
  for (const task of tasks) {
    const upstream = referencedNodes(task, "tasks");
    if (typeof task.depends === "string") {
      const tree = parseDependsTree(task.depends);
      if (tree) dependsTasks(tree, upstream);
    }
    if (Array.isArray(task.dependencies)) for (const d of task.dependencies) upstream.add(String(d));
    upstream.delete(task.name as string);
    waits.set(task.name as string, new Set([...upstream].filter((name) => names.has(name))));
  }
  const done = new Set<string>();
  const ordered: Json[] = [];
  while (ordered.length < tasks.length) {
    const next = tasks.find(
      (task) =>
        !done.has(task.name as string) &&
        [...(waits.get(task.name as string) ?? [])].every((n) => done.has(n)),
    );
    if (!next) return undefined;
    done.add(next.name as string);
    ordered.push(next);
  }
  return ordered;
}

interface NodeWriting {
  ctx: DocContext;
  info: TemplateInfo;
  prefix: "tasks" | "steps";
  declared: Map<string, NodeRef>;
  referenced: ReadonlySet<string>;
  /** Every task or step name of the template. */
  names: ReadonlySet<string>;
  /** The template itself as its block's `d.self`/`s.self`, for a template that runs itself. */
  self?: { name: string; runnable: Runnable };
  inputs: Scope["inputs"];
}

/** One `b.task(...)`/`b.step(...)` call; `{ raw }` when the node needs what the DSL cannot say. */
function nodeCall(
  node: Json,
  adder: string,
  w: NodeWriting,
): { code: string; variable?: string; ref?: NodeRef } | { raw: string } {
  const { ctx, info } = w;
  const name = node.name;
  if (typeof name !== "string") return { raw: "a task or step has no name" };
  if (node.inline !== undefined)
    return {
      raw: `${w.prefix === "tasks" ? "task" : "step"} "${name}" has an inline template, which the DSL cannot write`,
    };
  // The DSL reads every `{{tasks.x.…}}`/`{{steps.x.…}}` in these fields as a sibling and refuses one it does not
  // know (a reference to a node of an enclosing template, which Argo resolves and the DSL cannot write).
  const strangers = [...referencedNodes([node.arguments, node.when, node.withParam], w.prefix)].filter(
    (other) => !w.names.has(other),
  );
  if (strangers.length > 0) {
    return {
      raw: `"${name}" refers to {{${w.prefix}.${strangers[0]}}}, which the DSL takes for a sibling it does not have`,
    };
  }
  const runnable = runnableOf(node, ctx, w.self);
  if (!runnable)
    return {
      raw: `${w.prefix === "tasks" ? "task" : "step"} "${name}" runs a template this document does not define`,
    };
  const scope: Scope = {
    graph: { prefix: w.prefix, nodes: w.declared },
    inputs: w.inputs,
    args: ctx.args,
    items: true,
    imports: ctx.imports,
  };
  const options: PrintableObject = {};
  const extra: PrintableObject = {};
  if (node.arguments !== undefined) {
    const args = argumentValues(node.arguments, runnable.accepts, scope);
    if (args && Object.keys(args).length > 0) options.args = args;
    else if (!args) {
      const required = [...(runnable.accepts.parameters ?? [])].some(([, p]) => p.required);
      if (required) return { raw: `the arguments of "${name}" are not what its template declares` };
      extra.arguments = renderValue(node.arguments, scope);
    }
  } else if ([...(runnable.accepts.parameters ?? [])].some(([, p]) => p.required)) {
    return { raw: `"${name}" passes no value for a required input of its template` };
  }
  if (node.when !== undefined)
    options.when = typeof node.when === "string" ? whenCode(node.when, scope) : renderValue(node.when, scope);
  if (node.withItems !== undefined) options.withItems = renderValue(node.withItems, scope);
  if (node.withParam !== undefined) options.withParam = renderValue(node.withParam, scope);
  if (node.withSequence !== undefined) options.withSequence = renderValue(node.withSequence, scope);
  if (node.continueOn !== undefined) options.continueOn = renderValue(node.continueOn, scope);
  if (node.onExit !== undefined) {
    const handler = typeof node.onExit === "string" ? ctx.templates.get(node.onExit) : undefined;
    if (handler) {
      options.onExit = new Code(handler.variable);
      info.uses.add(handler.name);
    } else extra.onExit = renderValue(node.onExit, scope);
  }
  if (node.hooks !== undefined) {
    // Hooks that use the node's own outputs or status are made from the node: `(self) => ({ ... })`.
    const own = referencedNodes(node.hooks, w.prefix).has(name);
    const nodes = new Map(w.declared);
    if (own) nodes.set(name, { variable: "self", ...runnable.outputs });
    const hookScope: Scope = { ...scope, graph: { prefix: w.prefix, nodes } };
    const hooks = hooksCode(node.hooks, ctx, hookScope, info.uses);
    if (hooks) options.hooks = own ? new Code(`(self) => (${print(hooks)})`) : hooks;
    else extra.hooks = renderValue(node.hooks, scope);
  }
  let after = "";
  const variables = new Map([...w.declared].map(([n, ref]) => [n, ref.variable]));
  if (typeof node.depends === "string") {
    const tree = parseDependsTree(node.depends);
    const plain = tree && plainConjunction(tree);
    const implicit = [...referencedNodes([node.arguments, node.when, node.withParam], "tasks")].filter(
      (task) => task !== name && w.names.has(task),
    );
    // The DSL makes a task wait for the siblings it refers to: a `depends` naming just those says nothing more.
    const inferred =
      plain !== undefined && sameSet(plain, implicit) && implicit.every((task) => variables.has(task));
    if (inferred) {
      // Nothing to write.
    } else if (plain?.every((task) => variables.has(task))) {
      after = `.after(${plain.map((task) => variables.get(task)).join(", ")})`;
    } else {
      const written = tree && dependsCode(tree, variables, ctx.imports);
      options.depends = written ? new Code(written) : node.depends;
    }
  } else if (node.depends !== undefined) extra.depends = renderValue(node.depends, scope);
  if (Array.isArray(node.dependencies)) {
    options.dependencies = node.dependencies.map((d) =>
      variables.has(String(d)) ? new Code(variables.get(String(d)) as string) : (d as Printable),
    );
  } else if (node.dependencies !== undefined) extra.dependencies = renderValue(node.dependencies, scope);
  for (const [key, value] of Object.entries(node))
    if (!NODE_FIELDS.has(key)) extra[key] = renderValue(value, scope);
  if (Object.keys(extra).length > 0) options.extra = extra;
  if (runnable.local) info.uses.add(runnable.local);
  const args = Object.keys(options).length > 0 ? `, ${print(options)}` : "";
  const call = `${adder}(${JSON.stringify(name)}, ${runnable.variable}${args})${after}`;
  const variable = w.referenced.has(name)
    ? ctx.namer.fresh(name, w.prefix === "tasks" ? "Task" : "Step")
    : undefined;
  const ref = variable ? { variable, ...runnable.outputs } : undefined;
  return { code: call, variable, ref };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((entry) => b.includes(entry));
}

const COMPARISON = /^(\S+) (==|!=|<|<=|>|>=|=~) (\S+)$/;
const HELPERS: Record<string, string> = {
  "==": "eq",
  "!=": "ne",
  "<": "lt",
  "<=": "le",
  ">": "gt",
  ">=": "ge",
  "=~": "matches",
};

function operand(text: string, scope: Scope): Printable {
  const workflow = workflowReference(text, scope);
  return workflow === undefined ? renderText(text, scope) : new Code(workflow);
}

/** `eq(flip.result, "heads")` for `{{steps.flip.outputs.result}} == heads`; the text with references otherwise. */
function whenCode(text: string, scope: Scope): Printable {
  const match = COMPARISON.exec(text);
  if (match) {
    const left = operand(match[1], scope);
    const resolved = operand(match[3], scope);
    // A number stays a number (`gt(n, 10)`): the DSL writes it back as the same text.
    const right = /^-?(0|[1-9][0-9]{0,14})(\.[0-9]*[1-9])?$/.test(match[3]) ? new Code(match[3]) : resolved;
    if (left instanceof Code || resolved instanceof Code) {
      const helper = HELPERS[match[2]];
      scope.imports.add(helper);
      return new Code(`${helper}(${print(left)}, ${print(right)})`);
    }
  }
  return renderText(text, scope);
}

/** How a graph template is written: plainly, or defining a `declare(...)`d template (mutual recursion). */
export interface GraphMode {
  /** Whether the template runs itself (written as `d.self`/`s.self`). */
  self?: boolean;
  /** The variable of its declaration, when it defines one: `dag(loop, (d) => ...)`. */
  declared?: string;
}

/** Whether the template's outputs refer to its own tasks or steps (then the block returns them). */
function outputsFromBlock(template: Json, body: "dag" | "steps"): boolean {
  return outputNodes(template, body === "dag" ? "tasks" : "steps").size > 0;
}

/** Tasks or steps the template's outputs refer to, in `{{…}}` tags or in a `valueFrom.expression`. */
function outputNodes(template: Json, prefix: "tasks" | "steps"): Set<string> {
  const names = referencedNodes(template.outputs, prefix);
  const parameters = isRecord(template.outputs) ? template.outputs.parameters : undefined;
  for (const parameter of Array.isArray(parameters) ? parameters : []) {
    const from = isRecord(parameter) && isRecord(parameter.valueFrom) ? parameter.valueFrom : undefined;
    // An expression names tasks without braces (`tasks['flip-coin'].outputs.result`).
    if (typeof from?.expression === "string") referencedNodes(`{{=${from.expression}}}`, prefix, names);
  }
  return names;
}

/** The options of a DAG or steps template (name, inputs, outputs the block does not return, fields). */
export function graphOptions(
  template: Json,
  ctx: DocContext,
  body: "dag" | "steps",
): { options: PrintableObject } | { raw: string } {
  const scope = leafScope(ctx);
  const taken = new Set(body === "dag" ? ["failFast", "target"] : []);
  const common = commonOptions(template, scope, taken, outputsFromBlock(template, body));
  if ("raw" in common) return common;
  const options = common.options;
  const extra = common.extra;
  const dag = template.dag;
  if (body === "dag" && isRecord(dag)) {
    const dagExtra: PrintableObject = {};
    for (const [key, value] of Object.entries(dag)) {
      if (key === "failFast" || key === "target") options[key] = value as Printable;
      else if (key !== "tasks") dagExtra[key] = renderValue(value, scope);
    }
    if (Object.keys(dagExtra).length > 0) extra.dag = dagExtra;
  }
  if (Object.keys(extra).length > 0) options.extra = extra;
  return { options };
}

/** A `dag(...)` or `steps(...)` template. */
export function graphTemplate(
  info: TemplateInfo,
  ctx: DocContext,
  body: "dag" | "steps",
  mode: GraphMode = {},
): Written {
  const template = info.template;
  const prefix = body === "dag" ? "tasks" : "steps";
  const block = body === "dag" ? "d" : "s";
  let groups: Json[][];
  if (body === "dag") {
    const dag = template.dag;
    if (!isRecord(dag) || !Array.isArray(dag.tasks) || !dag.tasks.every(isRecord))
      return { raw: "its dag has no list of tasks" };
    const ordered = dagOrder(dag.tasks as Json[]);
    if (!ordered) return { raw: "its tasks depend on each other in a cycle" };
    groups = ordered.map((task) => [task]);
  } else {
    const steps = template.steps;
    if (
      !Array.isArray(steps) ||
      !steps.every((group) => Array.isArray(group) && group.length > 0 && group.every(isRecord))
    ) {
      return { raw: "its steps are not a list of non-empty parallel groups" };
    }
    groups = steps as Json[][];
  }
  const scope = leafScope(ctx);
  const written = graphOptions(template, ctx, body);
  if ("raw" in written) return written;
  const inputNames = new Map<string, "parameters" | "artifacts">();
  const declaredInputs = declarations(template.inputs, scope);
  for (const name of declaredInputs?.parameters.keys() ?? []) inputNames.set(name, "parameters");
  for (const name of declaredInputs?.artifacts ?? []) inputNames.set(name, "artifacts");
  const nodes = groups.flat();
  // A node needs a variable when another node (or the template's outputs) refers to it.
  const referenced = outputNodes(template, prefix);
  for (const node of nodes) {
    for (const other of referencedNodes(node, prefix)) if (other !== node.name) referenced.add(other);
    if (typeof node.depends === "string") {
      const tree = parseDependsTree(node.depends);
      if (tree) dependsTasks(tree, referenced);
    }
    if (Array.isArray(node.dependencies)) for (const d of node.dependencies) referenced.add(String(d));
  }
  const w: NodeWriting = {
    ctx,
    info,
    prefix,
    declared: new Map(),
    referenced,
    names: new Set(nodes.map((node) => String(node.name))),
    self: mode.self ? { name: info.name, runnable: selfRunnable(template, block, body) } : undefined,
    inputs: { variable: block, names: inputNames },
  };
  const lines: string[] = [];
  for (const group of groups) {
    if (group.length === 1) {
      const written = nodeCall(group[0], `${block}.${body === "dag" ? "task" : "step"}`, w);
      if ("raw" in written) return written;
      if (written.ref) w.declared.set(group[0].name as string, written.ref);
      lines.push(written.variable ? `const ${written.variable} = ${written.code};` : `${written.code};`);
      continue;
    }
    // Steps of one group cannot refer to each other: they join the scope when the group is written.
    const calls: { code: string; variable?: string; ref?: NodeRef }[] = [];
    for (const node of group) {
      const written = nodeCall(node, "p.step", w);
      if ("raw" in written) return written;
      calls.push(written);
    }
    group.forEach((node, index) => {
      const ref = calls[index].ref;
      if (ref) w.declared.set(node.name as string, ref);
    });
    const named = calls.filter((c) => c.variable);
    if (named.length === 0) {
      lines.push(`${block}.parallel((p) => {\n${calls.map((c) => `${c.code};`).join("\n")}\n});`);
    } else {
      const members = calls.map((c, index) => `${c.variable ?? `_${index}`}: ${c.code}`);
      lines.push(
        `const { ${named.map((c) => c.variable).join(", ")} } = ${block}.parallel((p) => ({ ${members.join(", ")} }));`,
      );
    }
  }
  if (outputsFromBlock(template, body)) {
    const outputScope: Scope = {
      graph: { prefix, nodes: w.declared },
      inputs: w.inputs,
      args: ctx.args,
      imports: ctx.imports,
    };
    const outputs = declarations(template.outputs, outputScope);
    if (!outputs) return { raw: "its outputs use a field `param`/`artifact` cannot express" };
    if (outputs.decls) lines.push(`return ${print(outputs.decls)};`);
    info.outputs = { parameters: new Set(outputs.parameters.keys()), artifacts: outputs.artifacts };
  }
  ctx.imports.add(body);
  const options = written.options;
  const head =
    mode.declared ?? (Object.keys(options).length === 1 ? JSON.stringify(options.name) : print(options));
  return { code: `${body}(${head}, (${block}) => {\n${lines.join("\n")}\n})` };
}

/** `d.self`/`s.self`: typed by the template's inputs and the outputs its options declare. */
function selfRunnable(template: Json, block: string, body: "dag" | "steps"): Runnable {
  const scope: Scope = { imports: new Set() };
  const inputs = declarations(template.inputs, scope);
  const outputs = outputsFromBlock(template, body) ? undefined : declarations(template.outputs, scope);
  return {
    variable: `${block}.self`,
    accepts: inputs ? { parameters: inputs.parameters, artifacts: inputs.artifacts } : {},
    outputs: outputs
      ? { parameters: new Set(outputs.parameters.keys()), artifacts: outputs.artifacts }
      : NO_OUTPUTS,
  };
}

import type {
  Arguments,
  Artifact,
  ContinueOn,
  DAGTask,
  LifecycleHook,
  Parameter,
  Sequence,
  WorkflowStep,
} from "../argo";
import { findCycle } from "../argo/cycles";
import { dependsTaskNames } from "../argo/depends";
import {
  type ArtifactDecl,
  type ArtifactKeys,
  type ArtifactOptions,
  type DeclMap,
  type ParamKeys,
  type RequiredParamKeys,
  renderArtifact,
  toParameterString,
  type Value,
} from "./data";
import { localTemplate } from "./declare";
import { DslError, type SourceSite } from "./errors";
import { type Expr, exprText, isExpr } from "./ex";
import { and, type Operand } from "./expr";
import { checkItemFields, type ItemKeys, type ItemString } from "./items";
import { clean, deepMerge } from "./merge";
import { expressionNodes, referencedNodes } from "./node-references";
import { type Runnable, type SkiffTemplate, TemplateRefHandle } from "./template";

export type Empty = Record<never, never>;

/** What an artifact input accepts: a reference (`a.outputs.data`, becomes `from`) or an inline artifact. */
export type ArtifactArg = string | ArtifactOptions | ArtifactDecl;

/**
 * A parameter argument; with literal items `W`, an `itemField` must name a key the items have. Without them any
 * string goes, and saying `Value` outright spares the checker relating each string literal to `ItemString`.
 */
export type ArgValue<W = never> = string extends ItemKeys<W> ? Value : Exclude<Value, string> | ItemString<W>;

/** Arguments for a template's inputs: required parameters must be given, names must exist. */
export type ArgValues<I, W = never> = { [K in RequiredParamKeys<I>]: ArgValue<W> } & {
  [K in Exclude<ParamKeys<I>, RequiredParamKeys<I>>]?: ArgValue<W>;
} & { [K in ArtifactKeys<I>]?: ArtifactArg };

/** A lifecycle hook: run `template` on `exit` or when `expression` becomes true. */
export interface Hook {
  template: Runnable;
  /** Arguments for the hook's template; default: none. */
  args?: Record<string, Value | ArtifactArg>;
  /** When to run it (for named hooks), in expr-lang; default: on exit for the `exit` hook. */
  expression?: string | Expr;
}

/**
 * A node's hooks: by name, or made from the node itself, so that a hook can refer to its own task's or step's
 * outputs and status (`(self) => ({ exit: { template: notify, args: { text: self.outputs.x } } })`).
 */
export type Hooks<O extends DeclMap = DeclMap> = Record<string, Hook> | HookFactory<O>;
// A method's parameter is bivariant: nodes stay assignable across output types (a plain function type would
// make Node invariant in O).
type HookFactory<O extends DeclMap> = {
  hooks(self: Node<DeclMap, O>): Record<string, Hook>;
}["hooks"];

export interface NodeOptions<I, O extends DeclMap = DeclMap, W = never> {
  /** Values for the template's inputs (required ones must be given). */
  args?: ArgValues<I, W>;
  /**
   * Run only when this condition holds: `ex(flip.result).eq("heads")`, or govaluate text such as
   * `eq(flip.result, "heads")`; default: always.
   */
  when?: string | Expr;
  /**
   * Fan out over these items (`item`, or `itemField("key")` for objects, in arguments); a key the items lack
   * does not compile, or fails the build. Default: no loop.
   */
  withItems?: readonly W[];
  /** Fan out over a JSON list: a reference such as `a.result`, an `ex(...)` expression, or a literal list; default: no loop. */
  withParam?: string | Expr | readonly unknown[];
  /** Fan out over a numeric sequence; default: no loop. */
  withSequence?: Sequence;
  /** Keep going when this node fails or errors; default: the run stops scheduling dependents. */
  continueOn?: ContinueOn;
  /** A template run when this node ends; default: none. */
  onExit?: SkiffTemplate;
  /**
   * Lifecycle hooks by name (`exit`, or any name with an `expression`), or a function of this node returning
   * them (for hooks that use the node's own outputs or status); default: none.
   */
  hooks?: Hooks<O>;
}

export interface TaskOptions<I, O extends DeclMap = DeclMap, W = never> extends NodeOptions<I, O, W> {
  /**
   * The task's `depends` expression, e.g. `or(a.failed, b)`; ANDed with `before`/`after`/`chain` edges. Default: the
   * edges, or else the tasks its arguments/`when`/`withParam` reference.
   */
  depends?: Operand | Expr;
  /** Argo's older `dependencies` list (exclusive with `depends`); default: none. */
  dependencies?: readonly Operand[];
  /** Escape hatch: DAG task fields deep-merged last. */
  extra?: Partial<DAGTask>;
}

export interface StepOptions<I, O extends DeclMap = DeclMap, W = never> extends NodeOptions<I, O, W> {
  /** Escape hatch: step fields deep-merged last. */
  extra?: Partial<WorkflowStep>;
}

/** Options tuple: mandatory (with `args`) when the template has required parameters. */
export type WithArgs<I, Opts, W = never> = [RequiredParamKeys<I>] extends [never]
  ? [options?: Opts]
  : [options: Opts & { args: ArgValues<I, W> }];

/** Whether a graph holds DAG tasks or steps; also the prefix of its references (`{{tasks.a.…}}`). */
export type GraphKind = "tasks" | "steps";
type Last<T extends unknown[]> = T extends [...unknown[], infer L] ? L : never;

/** The tasks of one DAG or the steps of one steps template, while and after its block runs. */
/** Every graph node of a template, for workflow-wide checks. */
export class Graph {
  readonly nodes: Node[] = [];
  private readonly byName = new Map<string, Node>();
  closed = false;
  constructor(
    readonly template: string,
    readonly scope: GraphKind,
  ) {}

  add(node: Node): void {
    const kind = this.scope === "tasks" ? "task" : "step";
    if (this.closed) {
      throw new DslError(
        `${kind} "${node.name}" was created outside the block of ${this.scope === "tasks" ? "DAG" : "steps"} "${this.template}"; create it inside the block`,
        { site: node.site },
      );
    }
    const clash = this.byName.get(node.name);
    if (clash) {
      const where = clash.site
        ? ` (first at ${clash.site.file}:${clash.site.line}:${clash.site.column})`
        : "";
      throw new DslError(`duplicate ${kind} name "${node.name}" in "${this.template}"${where}`, {
        site: node.site,
      });
    }
    this.nodes.push(node);
    this.byName.set(node.name, node);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }
}

function operandText(operand: Operand | Expr): string {
  if (typeof operand === "string") return operand;
  return isExpr(operand) ? operand.toDepends() : operand.name;
}

/** `withParam` as Argo reads it: a reference or `{{=…}}` tag, or a literal list as JSON. */
function withParamText(withParam: string | Expr | readonly unknown[] | undefined): string | undefined {
  if (withParam === undefined || typeof withParam === "string") return withParam;
  return isExpr(withParam) ? withParam.tag() : JSON.stringify(withParam);
}

function whenText(when: string | Expr | undefined): string | undefined {
  return when === undefined ? undefined : exprText(when, "when");
}

/** A task (in a DAG) or step (in a steps template): what it runs, its wiring, and references to its outputs. */
export class Node<out I extends DeclMap = DeclMap, out O extends DeclMap = DeclMap> {
  readonly skiff = "node" as const;
  /** Upstream nodes from `before`/`after`/`chain`, ANDed into `depends`. */
  readonly upstream: Node[] = [];
  #outputs: { readonly [K in keyof O]: string } | undefined;
  #hooks: { value: Record<string, Hook> | undefined } | undefined;
  /**
   * The options as given. Typed by any template's inputs, not this one's: `args` is checked where the node is
   * made, and so the class stays covariant (`out`) and the type checker relates a `Node<I, O>` to a `Node`
   * by its type arguments instead of member by member.
   */
  readonly options: TaskOptions<DeclMap, O, unknown> & StepOptions<DeclMap, O, unknown>;

  constructor(
    readonly name: string,
    readonly runnable: Runnable<I, O>,
    options: TaskOptions<I, O, unknown> & StepOptions<I, O, unknown>,
    readonly site: SourceSite | undefined,
    readonly graph: Graph,
  ) {
    this.options = options;
    if (!name) throw new DslError("a task or step needs a non-empty name", { site });
    checkRequiredArgs(this);
    if (Array.isArray(options.withItems)) {
      const what = `${graph.scope === "tasks" ? "task" : "step"} "${name}"`;
      checkItemFields(textsReferencing(this), options.withItems, { what, site });
    }
  }

  // References are spelled when read (most nodes are never referenced): `{{tasks.a.…}}` or `{{steps.a.…}}`.
  #ref(path: string): string {
    return `{{${this.graph.scope}.${this.name}.${path}}}`;
  }

  /** References to the declared outputs, e.g. `{{tasks.a.outputs.parameters.x}}`; typed by the template. */
  get outputs(): { readonly [K in keyof O]: string } {
    if (this.#outputs === undefined) {
      const outputs: Record<string, string> = {};
      for (const [output, decl] of Object.entries(this.runnable.outputs)) {
        outputs[output] = this.#ref(
          `outputs.${decl.kind === "artifact" ? "artifacts" : "parameters"}.${output}`,
        );
      }
      this.#outputs = outputs as { [K in keyof O]: string };
    }
    return this.#outputs;
  }

  /**
   * `{{tasks.a.outputs.parameters}}`: all output parameters at once; for a node that loops (`withItems`,
   * `withParam`), a JSON list with each iteration's output parameters as a map.
   */
  get outputParameters(): string {
    return this.#ref("outputs.parameters");
  }

  /** The hooks, made from this node when given as a function (once). */
  get hooks(): Record<string, Hook> | undefined {
    if (this.#hooks === undefined) {
      const { hooks } = this.options;
      this.#hooks = {
        value: typeof hooks === "function" ? hooks(this as unknown as Node<DeclMap, O>) : hooks,
      };
    }
    return this.#hooks.value;
  }

  /** `{{tasks.a.outputs.result}}`: the standard output of a script/container, or an HTTP response body. */
  get result(): string {
    return this.#ref("outputs.result");
  }
  get exitCode(): string {
    return this.#ref("exitCode");
  }
  get status(): string {
    return this.#ref("status");
  }
  get id(): string {
    return this.#ref("id");
  }
  get ip(): string {
    return this.#ref("ip");
  }
  get startedAt(): string {
    return this.#ref("startedAt");
  }
  get finishedAt(): string {
    return this.#ref("finishedAt");
  }
  /** `depends` operands: `a.succeeded` → `a.Succeeded`, etc. */
  get succeeded(): string {
    return `${this.name}.Succeeded`;
  }
  get failed(): string {
    return `${this.name}.Failed`;
  }
  get errored(): string {
    return `${this.name}.Errored`;
  }
  get skipped(): string {
    return `${this.name}.Skipped`;
  }
  get omitted(): string {
    return `${this.name}.Omitted`;
  }
  get daemoned(): string {
    return `${this.name}.Daemoned`;
  }
  get anySucceeded(): string {
    return `${this.name}.AnySucceeded`;
  }
  get allFailed(): string {
    return `${this.name}.AllFailed`;
  }

  /** Reference to an output parameter not declared on the template (templateRef without declared outputs). */
  outputParameter(name: string): string {
    return `{{${this.graph.scope}.${this.name}.outputs.parameters.${name}}}`;
  }

  /** Reference to an output artifact not declared on the template. */
  outputArtifact(name: string): string {
    return `{{${this.graph.scope}.${this.name}.outputs.artifacts.${name}}}`;
  }

  /**
   * `a.before(b, [c, d], e)`: b runs after a, c and d after b, e after c and d (Hera's `a >> b >> [c, d] >> e`).
   * Returns the last element. (Not named `then`: that would make nodes look like promises to `await`.)
   */
  before<T extends (Node | readonly Node[])[]>(...next: T): Last<T> {
    return chain(this, ...next) as unknown as Last<T>;
  }

  /** This node runs after all of `previous` (ANDed into `depends`). Returns this node. */
  after(...previous: Node[]): this {
    for (const node of previous) link(node, this);
    return this;
  }
}

/** A task of a DAG (the same class as a step; the names read better at call sites). */
export type Task<I extends DeclMap = DeclMap, O extends DeclMap = DeclMap> = Node<I, O>;
/** A step of a steps template. */
export type Step<I extends DeclMap = DeclMap, O extends DeclMap = DeclMap> = Node<I, O>;

function checkRequiredArgs(node: Node): void {
  const given = node.options.args ?? {};
  for (const [input, decl] of Object.entries(node.runnable.inputs)) {
    if (decl.kind !== "parameter") continue;
    const o = decl.options;
    const optional = o.default !== undefined || o.value !== undefined || o.valueFrom !== undefined;
    if (!optional && !(input in given)) {
      throw new DslError(
        `${node.graph.scope === "tasks" ? "task" : "step"} "${node.name}": template "${node.runnable.name}" needs argument "${input}"`,
        { site: node.site },
      );
    }
  }
  for (const arg of Object.keys(given)) {
    if (Object.keys(node.runnable.inputs).length > 0 && !(arg in node.runnable.inputs)) {
      throw new DslError(
        `${node.graph.scope === "tasks" ? "task" : "step"} "${node.name}": template "${node.runnable.name}" has no input "${arg}" (inputs: ${Object.keys(node.runnable.inputs).join(", ")})`,
        { site: node.site },
      );
    }
  }
}

function link(from: Node, to: Node): void {
  if (from.graph !== to.graph) {
    throw new DslError(
      `"${to.name}" (in "${to.graph.template}") cannot depend on "${from.name}" of another DAG ("${from.graph.template}"); pass data through the DAG's inputs and outputs instead`,
      { site: to.site },
    );
  }
  if (to.graph.scope !== "tasks") {
    throw new DslError(
      `steps run in the order of their groups; "before"/"after"/chain only apply to DAG tasks`,
      {
        site: to.site,
      },
    );
  }
  if (!to.upstream.includes(from)) to.upstream.push(from);
}

/**
 * Hera's `A >> [B, C] >> D`: each element runs after every node of the element before it. Returns the last
 * element.
 */
export function chain<T extends (Node | readonly Node[])[]>(...elements: T): Last<T> {
  const groups = elements.map((element) => (Array.isArray(element) ? element : [element]) as readonly Node[]);
  for (let index = 1; index < groups.length; index++) {
    for (const to of groups[index]) for (const from of groups[index - 1]) link(from, to);
  }
  return elements[elements.length - 1] as Last<T>;
}

// ---------------------------------------------------------------------------------------------------------
// Rendering.

function isArtifactArg(value: unknown): value is ArtifactOptions | ArtifactDecl {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    ("kind" in value ? value.kind === "artifact" : false)
  );
}

function renderArguments(
  runnable: Runnable,
  args: Record<string, unknown> | undefined,
): Arguments | undefined {
  if (!args) return undefined;
  const parameters: Parameter[] = [];
  const artifacts: Artifact[] = [];
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined) continue;
    const declared = runnable.inputs[name];
    if (declared?.kind === "artifact" || isArtifactArg(value)) {
      if (typeof value === "string") artifacts.push({ name, from: value });
      else artifacts.push(renderArtifact(name, value as ArtifactOptions | ArtifactDecl));
    } else {
      const text: string | undefined = toParameterString(value as Value);
      parameters.push(text === undefined ? { name } : { name, value: text });
    }
  }
  // Built clean: every entry is a fresh object without undefined members.
  if (artifacts.length === 0) return parameters.length === 0 ? undefined : { parameters };
  return parameters.length === 0 ? { artifacts } : { parameters, artifacts };
}

function renderHooks(hooks: Record<string, Hook> | undefined): Record<string, LifecycleHook> | undefined {
  if (!hooks) return undefined;
  const out: Record<string, LifecycleHook> = {};
  for (const [name, hook] of Object.entries(hooks)) {
    out[name] = clean({
      ...runnableFields(hook.template),
      arguments: renderArguments(hook.template, hook.args),
      expression: hook.expression === undefined ? undefined : exprText(hook.expression, "expr"),
    });
  }
  return out;
}

/** `template: name` or `templateRef: {...}`. */
export function runnableFields(runnable: Runnable): {
  template?: string;
  templateRef?: TemplateRefHandle["ref"];
} {
  return runnable instanceof TemplateRefHandle ? { templateRef: runnable.ref } : { template: runnable.name };
}

/** Templates a set of hooks runs (for collection into the workflow). */
export function hookTemplates(hooks: Record<string, Hook> | undefined): SkiffTemplate[] {
  return Object.values(hooks ?? {})
    .map((hook) => localTemplate(hook.template))
    .filter((template): template is SkiffTemplate => template !== undefined);
}

const referenceTexts = new WeakMap<Node, string>();
const dependsCache = new WeakMap<Node, string | undefined>();

function textsReferencing(node: Node): string {
  const cached = referenceTexts.get(node);
  if (cached !== undefined) return cached;
  const text = referenceText(node);
  referenceTexts.set(node, text);
  return text;
}

function referenceText(node: Node): string {
  const { args, when, withParam } = node.options;
  const texts: string[] = [whenText(when) ?? "", withParamText(withParam) ?? ""];
  for (const value of Object.values(args ?? {}))
    texts.push(typeof value === "string" ? value : isExpr(value) ? value.tag() : JSON.stringify(value));
  return texts.join("\n");
}

/** The node's `depends`, computed once its graph is closed (edges can no longer change then). */
function dependsOf(node: Node): string | undefined {
  if (!node.graph.closed) return computeDepends(node);
  if (dependsCache.has(node)) return dependsCache.get(node);
  const depends = computeDepends(node);
  dependsCache.set(node, depends);
  return depends;
}

function computeDepends(node: Node): string | undefined {
  const explicit = node.options.depends;
  const edges = node.upstream.map((upstream) => upstream.name);
  if (explicit === undefined && edges.length === 0 && node.options.dependencies === undefined) {
    // Argo needs an edge to read another task's outputs; add it for every referenced sibling.
    const implicit = referencedNodes(textsReferencing(node), "tasks").filter(
      (name) => name !== node.name && node.graph.has(name),
    );
    return implicit.length > 0 ? and(...implicit) : undefined;
  }
  const parts: Operand[] = [...(explicit === undefined ? [] : [operandText(explicit)]), ...edges];
  return parts.length > 0 ? and(...parts) : undefined;
}

/** Sets `key` unless `value` is undefined; objects are cleaned (user-supplied ones may hold undefined). */
function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) return;
  out[key] = typeof value === "object" && value !== null ? clean(value) : value;
}

// Built member by member in the order the spec always had (it reaches `--format json` unsorted), without
// undefined members, so the 500-task hot path needs no deep clean pass; user-supplied structures are cleaned.
export function renderNode(node: Node): DAGTask | WorkflowStep {
  const { when, withItems, withParam, withSequence, continueOn, onExit, extra, dependencies } = node.options;
  const rendered: Record<string, unknown> = { name: node.name };
  const { runnable } = node;
  if (runnable instanceof TemplateRefHandle) put(rendered, "templateRef", runnable.ref);
  else rendered.template = runnable.name;
  // Arguments and hooks are rendered clean already.
  const args = renderArguments(runnable, node.options.args as Record<string, unknown> | undefined);
  if (args !== undefined) rendered.arguments = args;
  if (node.graph.scope === "tasks") put(rendered, "depends", dependsOf(node));
  put(rendered, "dependencies", dependencies?.map(operandText));
  put(rendered, "when", whenText(when));
  put(rendered, "withItems", withItems);
  put(rendered, "withParam", withParamText(withParam));
  put(rendered, "withSequence", withSequence);
  put(rendered, "continueOn", continueOn);
  put(rendered, "onExit", onExit?.name);
  const renderedHooks = renderHooks(node.hooks);
  if (renderedHooks !== undefined) rendered.hooks = renderedHooks;
  return deepMerge(rendered as unknown as DAGTask | WorkflowStep, extra);
}

export function nodeTemplates(nodes: readonly Node[]): SkiffTemplate[] {
  const used: SkiffTemplate[] = [];
  for (const node of nodes) {
    const template = localTemplate(node.runnable);
    if (template) used.push(template);
    if (node.options.onExit) used.push(node.options.onExit);
    used.push(...hookTemplates(node.hooks));
  }
  return used;
}

/** Fails when a node references a sibling that is not in its own DAG/steps (across DAGs, or misspelled). */
export function checkReferences(graph: Graph): void {
  const kind = graph.scope === "tasks" ? "task" : "step";
  for (const node of graph.nodes) {
    const hookExpressions = Object.values(node.hooks ?? {}).map((hook) =>
      hook.expression === undefined ? "" : exprText(hook.expression, "expr"),
    );
    const named = [
      ...referencedNodes(textsReferencing(node), graph.scope),
      ...hookExpressions.flatMap((text) => expressionNodes(text, graph.scope)),
      ...dependsTaskNames(node.options.depends === undefined ? "" : operandText(node.options.depends)),
      ...(node.options.dependencies ?? []).map(operandText),
    ];
    for (const name of named) {
      if (graph.has(name)) continue;
      throw new DslError(
        `${kind} "${node.name}" references ${kind} "${name}", which is not in "${graph.template}" (a reference across templates, or a misspelled name)`,
        { site: node.site },
      );
    }
  }
}

/**
 * The siblings a task waits for, by name: the operands of its `depends` (as `computeDepends` makes it,
 * read without spelling and parsing it) and its `dependencies`.
 */
function upstreamNames(node: Node): string[] {
  const { depends, dependencies } = node.options;
  const names = node.upstream.map((upstream) => upstream.name);
  if (depends !== undefined) names.push(...dependsTaskNames(operandText(depends)));
  else if (names.length === 0 && dependencies === undefined) {
    names.push(...referencedNodes(textsReferencing(node), "tasks").filter((name) => name !== node.name));
  }
  if (dependencies !== undefined) names.push(...dependencies.map(operandText));
  return names;
}

/** Fails with the cycle's path when `depends`/`dependencies` edges loop. */
export function checkAcyclic(graph: Graph): void {
  const edges = new Map<string, string[]>();
  for (const node of graph.nodes) {
    edges.set(
      node.name,
      upstreamNames(node).filter((name) => graph.has(name)),
    );
  }
  // Reported in the order the tasks run: the edges point from a task to what it waits for.
  const cycle = findCycle(edges)?.reverse();
  if (!cycle) return;
  const node = graph.nodes.find((candidate) => candidate.name === cycle[0]);
  throw new DslError(`DAG "${graph.template}" has a dependency cycle: ${cycle.join(" → ")}`, {
    site: node?.site,
  });
}

/** Inside a template's block: `{{inputs.parameters.x}}`/`{{inputs.artifacts.x}}` by declared name. */
export type InputRefs<I> = { readonly [K in keyof I]: string };

/**
 * Typed references to declared inputs, for a template's own fields: `const io = { n: param() }`, then
 * `inputRefs(io).n` is `{{inputs.parameters.n}}` (DAGs and steps have them as `d.inputs`).
 */
export function inputRefs<I extends DeclMap>(inputs: I | undefined): InputRefs<I> {
  const refs: Record<string, string> = {};
  for (const [name, decl] of Object.entries(inputs ?? {})) {
    refs[name] = `{{inputs.${decl.kind === "artifact" ? "artifacts" : "parameters"}.${name}}}`;
  }
  return refs as InputRefs<I>;
}

import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type {
  Arguments,
  Artifact,
  DAGTask,
  Inputs,
  LifecycleHook,
  NodeStatus,
  Outputs,
  Parameter,
  Template,
  Workflow,
  WorkflowStep,
} from "../../argo";
import { dependenciesSatisfied, dependenciesToDepends, dependsTaskNames } from "../../argo/depends";
import { podName } from "../../argo/node-ids";
import { failedOrError, isCompleted, isFulfilled, type NodePhase } from "../../argo/phases";
import { LABEL_COMPLETED, LABEL_PHASE } from "../labels";
import type { ArtifactStore } from "./artifacts/store";
import { assessDagPhase } from "./dag-phase";
import { evaluateDepends, evaluateExpr, evaluateWhen, exprEnvOf, MapScope } from "./expr";
import { runHttp } from "./http";
import type { StepLauncher } from "./launcher";
import { type LeafOutcome, runLeaf } from "./leaf";
import { LogBook } from "./logs";
import { EXECUTABLE_TYPES, NodeTable, type NodeType } from "./nodes";
import type { ResolvedOptions } from "./options";
import type { StepProcess } from "./process";
import {
  addAggregateToScope,
  addNodeToScope,
  itemSuffix,
  itemVars,
  LoopError,
  loopItems,
  needsSubst,
  newScope,
  type Scope,
  subst,
  substDeep,
} from "./scope";
import { type LockManager, Semaphore } from "./semaphore";
import { StepDirPool } from "./step-dirs";
import { humanDuration, parseDurationMs, rfc3339 } from "./time";
import { workflowVariables } from "./workflow-vars";

/** Facilities the engine shares between its runs. */
export interface RunEnvironment {
  options: ResolvedOptions;
  locks: LockManager;
  slots: Semaphore;
  /** Starts the step processes. */
  launcher: StepLauncher;
  /** Image shim directories written so far. */
  shimDirs: Map<string, Promise<string>>;
}

/** Why a run stops scheduling: Argo's shutdown strategies and the workflow deadline. */
export type HaltKind = "Stop" | "Terminate" | "Deadline";

interface ExecRequest {
  nodeName: string;
  templateName?: string;
  inline?: Template;
  args?: Arguments;
  boundaryId?: string;
  /** Part of an exit handler: keeps running through Stop and past the deadline. */
  onExit: boolean;
  hooked?: boolean;
  /** Capture stdout as outputs.result (the caller references it). */
  captureResult: boolean;
}

interface AttemptExtras {
  retries?: number;
  retried?: boolean;
  /** Deadline (epoch ms) imposed by retryStrategy.maxDuration. */
  maxDeadline?: number;
}

class TemplateError extends Error {}

const NO_LOCKS: ReadonlyArray<() => void> = [];
const NO_VARS: Record<string, string> = Object.freeze({});
/** The arguments of a step or task that passes none (one object, so that substDeep knows it has no tags). */
const NO_ARGS: Arguments = Object.freeze({});

// Left unsubstituted: sibling references are resolved when a child runs; items and dependencies as written.
// Constants, so that substDeep remembers which objects have no tags.
const KEEP_CHILDREN: ReadonlySet<string> = new Set(["steps", "dag"]);
const KEEP_ITEMS: ReadonlySet<string> = new Set(["withItems"]);
const KEEP_TASK_LOGIC: ReadonlySet<string> = new Set(["withItems", "depends", "dependencies"]);

/** Names of sibling steps/tasks whose outputs.result a steps/DAG template references. */
function resultReferences(t: Template): Set<string> {
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

function templateType(t: Template): NodeType {
  if (t.steps) return "Steps";
  if (t.dag) return "DAG";
  if (t.suspend) return "Suspend";
  if (t.http) return "HTTP";
  return "Pod";
}

/** One workflow's execution, with Argo's semantics, writing Argo's status into `wf.status`. */
export class WorkflowRun {
  readonly table: NodeTable;
  readonly logs: LogBook;
  readonly dir: string;
  halted: { kind: HaltKind } | undefined;
  private readonly processes = new Map<string, { proc: StepProcess; onExit: boolean; halt?: HaltKind }>();
  private readonly haltListeners = new Set<() => void>();
  private readonly resumeWaiters = new Map<string, () => void>();
  private suspendGate: { promise: Promise<void>; release: () => void } | undefined;
  private readonly wfParallelism: Semaphore | undefined;
  private readonly globals: Record<string, string> = {};
  private readonly globalArtifacts: Record<string, Artifact> = {};
  private deadlineTimer: NodeJS.Timeout | undefined;
  private readonly firedHooks = new Set<string>();
  private readonly hookRuns: Promise<unknown>[] = [];
  private readonly templates: Map<string, Template>;
  private readonly stepDirs: StepDirPool;
  private readonly podNames = new Map<string, string>();
  private readonly shimRoot: string;
  /** `spec.hooks` with an expression (not exit), looked at on every change of the run. */
  private readonly workflowHooks: Array<[string, LifecycleHook]>;
  /** The engine's key for this run (namespace/name), set by the engine. */
  feedKey: string | undefined;
  /** The engine process's environment when the run started, the base of every step's environment. */
  private readonly hostEnv: Readonly<Record<string, string>> = hostEnvironment();
  done: Promise<void> = Promise.resolve();

  constructor(
    readonly wf: Workflow,
    private readonly env: RunEnvironment,
    private readonly notify: () => void,
  ) {
    wf.status ??= {};
    wf.status.nodes ??= {};
    this.table = new NodeTable(wf.metadata.name ?? "", wf.status.nodes, () => this.changed());
    this.dir = join(env.options.workDir, wf.metadata.namespace ?? "default", wf.metadata.name ?? "");
    this.logs = new LogBook(join(this.dir, "logs"));
    this.stepDirs = new StepDirPool(this.dir);
    this.wfParallelism = wf.spec.parallelism ? new Semaphore(wf.spec.parallelism) : undefined;
    this.templates = new Map((wf.spec.templates ?? []).map((t) => [t.name ?? "", t]));
    this.shimRoot = join(env.options.workDir, ".shims");
    this.workflowHooks = Object.entries(wf.spec.hooks ?? {}).filter(([k, h]) => k !== "exit" && h.expression);
    if (wf.spec.suspend) this.setSuspended(true);
  }

  get name(): string {
    return this.wf.metadata.name ?? "";
  }

  get runId(): string {
    return this.wf.metadata.labels?.["skiff.dev/run-id"] ?? this.name;
  }

  private get artifacts(): ArtifactStore | undefined {
    return this.env.options.artifacts;
  }

  private changed(): void {
    this.notify();
    if (this.wf.status?.phase === "Running") this.evaluateWorkflowHooks();
  }

  // ---- control -------------------------------------------------------------------------------------------

  /** Starts the run; `done` settles when the workflow is complete. */
  start(): void {
    this.done = this.run().catch((error: unknown) => {
      const status = this.wf.status ?? {};
      status.phase = "Error";
      status.message = error instanceof Error ? error.message : String(error);
      this.finish();
    });
  }

  halt(kind: HaltKind): void {
    if (this.halted?.kind === "Terminate") return;
    this.halted = { kind };
    for (const entry of this.processes.values()) {
      if (kind === "Terminate" || !entry.onExit) {
        entry.halt ??= kind;
        entry.proc.kill(this.env.options.killGraceMs);
      }
    }
    for (const listener of [...this.haltListeners]) listener();
    this.setSuspended(false);
  }

  /** `spec.suspend`: no new node starts while suspended; running steps continue. */
  setSuspended(suspended: boolean): void {
    if (suspended && !this.suspendGate) {
      let release = () => {};
      const promise = new Promise<void>((resolve) => {
        release = resolve;
      });
      this.suspendGate = { promise, release };
    } else if (!suspended && this.suspendGate) {
      this.suspendGate.release();
      this.suspendGate = undefined;
    }
  }

  /** Active suspend nodes (type Suspend, phase Running). */
  activeSuspendNodes(): NodeStatus[] {
    return Object.values(this.table.nodes).filter((n) => n.type === "Suspend" && n.phase === "Running");
  }

  /**
   * Resumes a suspend node (Argo's resume / `node set`): supplied outputs take `values`, else `valueFrom.default`,
   * else the same-named input's default. Throws before changing anything when one has no value.
   */
  resumeNode(
    node: NodeStatus,
    values: Record<string, string> = {},
    phase: NodePhase = "Succeeded",
    message?: string,
  ): void {
    const tmpl = this.templates.get(node.templateName ?? "");
    const params: Parameter[] = [];
    for (const p of tmpl?.outputs?.parameters ?? []) {
      if (!p.valueFrom?.supplied) continue;
      const input = node.inputs?.parameters?.find((i) => i.name === p.name);
      const value = values[p.name] ?? p.valueFrom.default ?? input?.value ?? input?.default;
      if (value === undefined) {
        throw new TemplateError(
          `raw output parameter '${p.name}' has not been set and does not have a default value`,
        );
      }
      params.push({
        name: p.name,
        value,
        valueFrom: { supplied: {} },
        ...(p.globalName ? { globalName: p.globalName } : {}),
      });
    }
    if (params.length) node.outputs = { ...node.outputs, parameters: params };
    this.table.mark(node, phase, message ?? (phase === "Succeeded" ? "Resumed by: local engine" : ""));
    this.resumeWaiters.get(node.id)?.();
  }

  private onHalt(listener: () => void): () => void {
    this.haltListeners.add(listener);
    return () => this.haltListeners.delete(listener);
  }

  private canSchedule(onExit: boolean): boolean {
    if (!this.halted) return true;
    return onExit && this.halted.kind !== "Terminate";
  }

  private haltMessage(): string {
    return this.halted?.kind === "Deadline"
      ? "Step exceeded its deadline"
      : `Stopped with strategy '${this.halted?.kind}'`;
  }

  private async sleep(ms: number, onExit: boolean): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const off = this.onHalt(() => {
        if (!this.canSchedule(onExit)) done();
      });
      function done() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }

  // ---- the workflow -----------------------------------------------------------------------------------------

  private async run(): Promise<void> {
    const wf = this.wf;
    const status = wf.status ?? {};
    wf.status = status;
    const startedAt = new Date();
    status.startedAt = rfc3339(startedAt);
    delete status.finishedAt;
    delete status.message;
    this.initGlobals();
    await mkdir(this.dir, { recursive: true });

    const entry = wf.spec.entrypoint;
    if (!entry || !this.templates.has(entry)) {
      status.phase = "Failed";
      status.message = `invalid spec: spec.entrypoint ${entry ? `template ${entry} not found` : "is required"}`;
      this.finish();
      return;
    }

    // Workflow-level synchronization: Pending until the lock is ours.
    const releases = await this.acquireLocks(wf.spec.synchronization, () => {
      status.phase = "Pending";
      this.setPhaseLabel("Pending");
      this.notify();
    });
    status.phase = "Running";
    this.setPhaseLabel("Running");
    this.notify();
    const deadline = wf.spec.activeDeadlineSeconds;
    if (deadline !== undefined && deadline !== null) {
      const ms = Math.floor(startedAt.getTime() / 1000) * 1000 + deadline * 1000 - Date.now();
      this.deadlineTimer = setTimeout(() => this.halt("Deadline"), Math.max(0, ms));
    }
    try {
      const root = await this.execute({
        nodeName: this.name,
        templateName: entry,
        args: {
          parameters: wf.spec.arguments?.parameters ?? [],
          artifacts: wf.spec.arguments?.artifacts ?? [],
        },
        onExit: false,
        captureResult: false,
      });
      let phase = root.phase === "Failed" || root.phase === "Error" ? root.phase : "Succeeded";
      let message = root.message;
      if (this.halted && this.halted.kind !== "Deadline") {
        phase = "Failed";
        message = `Stopped with strategy '${this.halted.kind}'`;
      }
      await Promise.all(this.hookRuns);
      const onExit = wf.spec.onExit ?? wf.spec.hooks?.exit?.template;
      if (onExit && this.halted?.kind !== "Terminate") {
        this.globals["workflow.status"] = phase;
        this.globals["workflow.failures"] = this.failures();
        this.globals["workflow.duration"] = String((Date.now() - startedAt.getTime()) / 1000);
        const exitNode = await this.execute({
          nodeName: `${this.name}.onExit`,
          templateName: onExit,
          args: wf.spec.hooks?.exit?.arguments,
          onExit: true,
          hooked: true,
          captureResult: false,
        });
        if (phase === "Succeeded" && failedOrError(exitNode.phase)) {
          phase = exitNode.phase as string;
          message = exitNode.message;
        }
      }
      await Promise.all(this.hookRuns);
      status.phase = phase;
      if (message) status.message = message;
      else delete status.message;
    } finally {
      for (const release of releases) release();
      if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    }
    this.finish();
  }

  private finish(): void {
    const status = this.wf.status ?? {};
    status.finishedAt = rfc3339();
    this.updateProgress();
    status.conditions = [
      { type: "PodRunning", status: "False" },
      { type: "Completed", status: "True" },
    ];
    this.setPhaseLabel(status.phase ?? "Error");
    const labels = this.wf.metadata.labels ?? {};
    labels[LABEL_COMPLETED] = "true";
    this.wf.metadata.labels = labels;
    this.notify();
    const cleanup = this.env.options.cleanWorkDirs;
    void this.logs.close().then(() => (cleanup ? rm(this.dir, { recursive: true, force: true }) : undefined));
  }

  private setPhaseLabel(phase: string): void {
    const labels = this.wf.metadata.labels ?? {};
    labels[LABEL_PHASE] = phase;
    labels[LABEL_COMPLETED] ??= "false";
    this.wf.metadata.labels = labels;
  }

  updateProgress(): void {
    let done = 0;
    let total = 0;
    for (const n of Object.values(this.table.nodes)) {
      if (!EXECUTABLE_TYPES.has(n.type)) continue;
      total++;
      if (isFulfilled(n)) done++;
    }
    if (this.wf.status) this.wf.status.progress = `${done}/${total}`;
  }

  private initGlobals(): void {
    Object.assign(this.globals, workflowVariables(this.wf));
  }

  private failures(): string {
    const list = Object.values(this.table.nodes)
      .filter((n) => failedOrError(n.phase) && n.type === "Pod")
      .map((n) => ({
        displayName: n.displayName,
        message: n.message ?? "",
        templateName: n.templateName ?? "",
        phase: n.phase,
        podName: this.podName(n),
        finishedAt: n.finishedAt ?? "",
      }));
    // Argo stores it pre-quoted (strconv.Quote of the JSON).
    return JSON.stringify(JSON.stringify(list));
  }

  podName(n: NodeStatus): string {
    // Asked for every log line: hashed once per node (the template name is fixed when the node is made).
    let name = this.podNames.get(n.id);
    if (name === undefined) {
      name = podName(this.name, n);
      this.podNames.set(n.id, name);
    }
    return name;
  }

  private addGlobalOutputs(outputs: Outputs | undefined): void {
    if (!outputs) return;
    const status = this.wf.status ?? {};
    for (const p of outputs.parameters ?? []) {
      if (!p.globalName || p.value === undefined) continue;
      this.globals[`workflow.outputs.parameters.${p.globalName}`] = p.value;
      status.outputs ??= {};
      const list = (status.outputs.parameters ?? []).filter((x) => x.name !== p.globalName);
      list.push({ name: p.globalName, value: p.value });
      status.outputs.parameters = list;
    }
    for (const a of outputs.artifacts ?? []) {
      if (!a.globalName) continue;
      this.globalArtifacts[`workflow.outputs.artifacts.${a.globalName}`] = a;
      status.outputs ??= {};
      const list = (status.outputs.artifacts ?? []).filter((x) => x.name !== a.globalName);
      list.push({ ...a, name: a.globalName });
      status.outputs.artifacts = list;
    }
  }

  private baseScope(): Scope {
    return newScope(this.globals, this.globalArtifacts);
  }

  // ---- templates -----------------------------------------------------------------------------------------

  private resolveTemplate(req: ExecRequest): Template {
    const named =
      req.inline ?? (req.templateName !== undefined ? this.templates.get(req.templateName) : undefined);
    if (!named) throw new TemplateError(`template ${req.templateName ?? "(none)"} not found`);
    const defaults = this.wf.spec.templateDefaults;
    return defaults ? { ...defaults, ...named } : named;
  }

  /** `known`: the artifacts an input artifact's `from` can name (read only). */
  private resolveInputs(
    tmpl: Template,
    args: Arguments | undefined,
    known: Readonly<Record<string, Artifact>>,
  ): Inputs {
    const inputs: Inputs = {};
    const params: Parameter[] = [];
    for (const p of tmpl.inputs?.parameters ?? []) {
      const arg = args?.parameters?.find((a) => a.name === p.name);
      const value = arg?.value ?? p.value ?? p.default;
      if (value === undefined) throw new TemplateError(`inputs.parameters.${p.name} was not supplied`);
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

  /** Executes a template invocation as node `nodeName` and resolves with the node once it is fulfilled. */
  async execute(req: ExecRequest): Promise<NodeStatus> {
    const existing = this.table.byName(req.nodeName);
    // Retry re-executes the tree: fulfilled successful nodes are kept as they are.
    if (existing && isFulfilled(existing) && !failedOrError(existing.phase)) return existing;
    if (this.suspendGate && !req.onExit) await this.suspendGate.promise;
    let tmpl: Template;
    let inputs: Inputs;
    let vars: Record<string, string>;
    try {
      tmpl = this.resolveTemplate(req);
      const args = req.args ? substDeep(req.args, this.globals) : undefined;
      inputs = this.resolveInputs(tmpl, args, this.globalArtifacts);
      // Variables for substitution: a leaf template without tags (most) has no use for them.
      const needsVars = tmpl.retryStrategy || tmpl.steps || tmpl.dag || needsSubst(tmpl, KEEP_CHILDREN);
      vars = needsVars ? this.inputVars(tmpl, inputs) : NO_VARS;
    } catch (error) {
      const node = this.table.init(req.nodeName, "Skipped", {
        boundaryId: req.boundaryId,
        templateName: req.templateName,
        phase: "Error",
        message: error instanceof Error ? error.message : String(error),
        hooked: req.hooked,
      });
      return node;
    }
    if (!this.canSchedule(req.onExit)) {
      return this.table.init(req.nodeName, templateType(tmpl), {
        boundaryId: req.boundaryId,
        templateName: req.templateName,
        phase: "Failed",
        message: this.haltMessage(),
        hooked: req.hooked,
      });
    }
    if (tmpl.retryStrategy) return this.executeWithRetry(req, tmpl, inputs, vars);
    return this.executeAttempt(req.nodeName, req, tmpl, inputs, vars, {});
  }

  private inputVars(tmpl: Template, inputs: Inputs): Record<string, string> {
    const vars: Record<string, string> = { ...this.globals };
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

  private async executeWithRetry(
    req: ExecRequest,
    tmpl: Template,
    inputs: Inputs,
    vars: Record<string, string>,
  ): Promise<NodeStatus> {
    const strategy = tmpl.retryStrategy ?? {};
    const node = this.table.init(req.nodeName, "Retry", {
      boundaryId: req.boundaryId,
      templateName: req.templateName,
      phase: "Running",
      hooked: req.hooked,
    });
    node.inputs = inputs;
    const limit =
      strategy.limit === undefined ? Number.POSITIVE_INFINITY : Number(subst(String(strategy.limit), vars));
    const policy = strategy.retryPolicy ?? (strategy.expression ? "Always" : "OnFailure");
    const backoff = strategy.backoff;
    const firstStart = Date.now();
    const maxDuration = backoff?.maxDuration
      ? parseDurationMs(subst(String(backoff.maxDuration), vars))
      : undefined;
    for (let attempt = 0; ; attempt++) {
      const childName = `${req.nodeName}(${attempt})`;
      this.table.addChild(req.nodeName, childName);
      const child = await this.executeAttempt(
        childName,
        { ...req, hooked: false },
        tmpl,
        inputs,
        { ...vars, retries: String(attempt) },
        {
          retries: attempt,
          retried: true,
          ...(maxDuration ? { maxDeadline: firstStart + maxDuration } : {}),
        },
      );
      if (!failedOrError(child.phase)) {
        if (child.outputs) node.outputs = child.outputs;
        this.table.mark(node, (child.phase as NodePhase) ?? "Succeeded", "");
        return node;
      }
      const phase = child.phase as NodePhase;
      const stop = (message: string) => {
        if (child.outputs) node.outputs = child.outputs;
        this.table.mark(node, phase, message);
        return node;
      };
      if (!this.canSchedule(req.onExit)) return stop(child.message ?? this.haltMessage());
      if (attempt >= limit) return stop("No more retries left");
      const allowed =
        policy === "Always" ||
        (policy === "OnFailure" && phase === "Failed") ||
        (policy === "OnError" && phase === "Error") ||
        (policy === "OnTransientError" &&
          /transient|timeout|connection reset|EOF/i.test(child.message ?? ""));
      if (!allowed) return stop(child.message ?? "No more retries left");
      if (strategy.expression) {
        const started = child.startedAt ? Date.parse(child.startedAt) : Date.now();
        const finished = child.finishedAt ? Date.parse(child.finishedAt) : Date.now();
        const env = {
          lastRetry: {
            exitCode: child.outputs?.exitCode ?? "-1",
            status: child.phase,
            duration: String(Math.round((finished - started) / 1000)),
            message: child.message ?? "",
          },
          retries: String(attempt),
        };
        let ok = false;
        try {
          ok = evaluateExpr(strategy.expression, env) === true;
        } catch {
          ok = false;
        }
        if (!ok) return stop("retryStrategy.expression evaluated to false");
      }
      if (maxDuration !== undefined && Date.now() - firstStart >= maxDuration)
        return stop("Max duration limit exceeded");
      if (backoff?.duration !== undefined) {
        const base = parseDurationMs(subst(String(backoff.duration), vars));
        const factor = backoff.factor !== undefined ? Number(backoff.factor) : 0;
        let wait = factor > 0 ? base * factor ** attempt : base;
        if (backoff.cap !== undefined) wait = Math.min(wait, parseDurationMs(String(backoff.cap)));
        if (maxDuration !== undefined && Date.now() + wait - firstStart > maxDuration) {
          return stop("Backoff would exceed max duration limit");
        }
        this.table.mark(node, "Running", `Backoff for ${humanDuration(wait)}`);
        await this.sleep(wait, req.onExit);
        this.table.mark(node, "Running", "");
        if (!this.canSchedule(req.onExit)) return stop(child.message ?? this.haltMessage());
      }
    }
  }

  private async executeAttempt(
    nodeName: string,
    req: ExecRequest,
    rawTmpl: Template,
    inputs: Inputs,
    vars: Record<string, string>,
    extras: AttemptExtras,
  ): Promise<NodeStatus> {
    // Substitute the template with its inputs; references to siblings (steps./tasks./item) stay for later.
    const tmpl: Template = {
      ...substDeep(rawTmpl, vars, KEEP_CHILDREN),
      ...(rawTmpl.inputs ? { inputs } : {}),
    };
    const type = templateType(tmpl);
    const node = this.table.init(nodeName, type, {
      boundaryId: req.boundaryId,
      templateName: req.templateName,
      phase: type === "Pod" ? "Pending" : "Running",
      hooked: req.hooked,
      retried: extras.retried,
      ...(tmpl.annotations?.["workflows.argoproj.io/display-name"]
        ? { displayName: tmpl.annotations["workflows.argoproj.io/display-name"] }
        : {}),
    });
    if (node.phase !== "Pending" && node.phase !== "Running") {
      this.table.mark(node, type === "Pod" ? "Pending" : "Running", "");
    }
    if (inputs.parameters?.length || inputs.artifacts?.length) node.inputs = inputs;
    const releases = !tmpl.synchronization
      ? NO_LOCKS
      : await this.acquireLocks(tmpl.synchronization, (key) => {
          this.table.mark(node, "Pending", `Waiting for ${key} lock. Lock status: 0/1`);
          node.synchronizationStatus = { waiting: key };
        });
    if (node.synchronizationStatus) {
      delete node.synchronizationStatus;
      this.table.mark(node, type === "Pod" ? "Pending" : "Running", "");
    }
    try {
      switch (type) {
        case "Steps":
          await this.runSteps(node, tmpl, vars, req);
          break;
        case "DAG":
          await this.runDag(node, tmpl, vars, req);
          break;
        case "Suspend":
          await this.runSuspend(node, tmpl, req);
          break;
        case "HTTP":
          await this.runHttpNode(node, tmpl, req);
          break;
        default:
          await this.runPod(node, tmpl, req, extras);
      }
    } catch (error) {
      if (!isFulfilled(node))
        this.table.mark(node, "Error", error instanceof Error ? error.message : String(error));
    } finally {
      for (const release of releases) release();
    }
    this.addGlobalOutputs(node.outputs);
    return node;
  }

  private async acquireLocks(
    sync: Template["synchronization"],
    onWait: (key: string) => void,
  ): Promise<Array<() => void>> {
    const releases: Array<() => void> = [];
    if (!sync) return releases;
    const ns = this.wf.metadata.namespace ?? "default";
    const wanted: Array<{ key: string; limit: number }> = [];
    for (const m of sync.mutexes ?? []) {
      wanted.push({ key: `${m.namespace ?? ns}/Mutex/${m.name ?? ""}`, limit: 1 });
    }
    for (const s of sync.semaphores ?? []) {
      const ref = s.configMapKeyRef;
      const id = `${ref?.name ?? ""}/${ref?.key ?? ""}`;
      wanted.push({
        key: `${s.namespace ?? ns}/ConfigMap/${id}`,
        limit: this.env.options.semaphores[id] ?? 1,
      });
    }
    for (const { key, limit } of wanted) {
      const lock = this.env.locks.get(key, limit);
      if (lock.inUse >= limit) onWait(key);
      releases.push(await lock.acquire());
    }
    return releases;
  }

  // ---- leaves ----------------------------------------------------------------------------------------------

  private async runPod(
    node: NodeStatus,
    tmpl: Template,
    req: ExecRequest,
    extras: AttemptExtras,
  ): Promise<void> {
    const wfSlots = this.wfParallelism;
    const releaseWf = wfSlots ? (wfSlots.tryAcquire() ?? (await wfSlots.acquire())) : undefined;
    const releaseSlot = this.env.slots.tryAcquire() ?? (await this.env.slots.acquire());
    try {
      if (!this.canSchedule(req.onExit)) {
        this.table.mark(node, "Failed", this.haltMessage());
        return;
      }
      const outcome: LeafOutcome = await runLeaf({
        node,
        template: tmpl,
        stepDirs: this.stepDirs,
        hostEnv: this.hostEnv,
        images: this.env.options.images,
        shimRoot: this.shimRoot,
        shimDirs: this.env.shimDirs,
        captureResult: req.captureResult,
        artifacts: this.artifacts,
        artifactPrefix: () => `artifacts/${this.runId}/${this.podName(node)}`,
        maxDeadline: extras.maxDeadline,
        launcher: this.env.launcher,
        onStart: (proc) => {
          this.processes.set(node.id, { proc, onExit: req.onExit });
          if (!this.canSchedule(req.onExit)) {
            const entry = this.processes.get(node.id);
            if (entry) entry.halt = this.halted?.kind;
            proc.kill(this.env.options.killGraceMs);
          }
          this.table.mark(node, "Running");
        },
        onLine: (line) =>
          this.logs.append({
            nodeId: node.id,
            podName: this.podName(node),
            time: new Date().toISOString(),
            ...line,
          }),
        haltReason: () => this.processes.get(node.id)?.halt,
      });
      this.processes.delete(node.id);
      node.outputs = outcome.outputs;
      if (!node.outputs || Object.keys(node.outputs).length === 0) delete node.outputs;
      this.table.mark(node, outcome.phase, outcome.message ?? "");
      if (this.artifacts) {
        await this.artifacts
          .put(`logs/${this.runId}/${node.id}.log`, this.logs.text(node.id))
          .catch((error: unknown) => {
            this.logs.append({
              nodeId: node.id,
              time: new Date().toISOString(),
              stream: "stderr",
              text: `skiff: could not store the log: ${error instanceof Error ? error.message : String(error)}`,
            });
          });
      }
    } finally {
      releaseSlot();
      releaseWf?.();
    }
  }

  private async runSuspend(node: NodeStatus, tmpl: Template, req: ExecRequest): Promise<void> {
    const duration = tmpl.suspend?.duration;
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        if (timer) clearTimeout(timer);
        off();
        this.resumeWaiters.delete(node.id);
        resolve();
      };
      this.resumeWaiters.set(node.id, finish);
      const off = this.onHalt(() => {
        if (!this.canSchedule(req.onExit) && !isFulfilled(node)) {
          this.table.mark(node, "Failed", this.haltMessage());
          finish();
        }
      });
      if (duration !== undefined) {
        const startedAt = node.startedAt ? Date.parse(node.startedAt) : Date.now();
        const ms = Math.max(0, startedAt + parseDurationMs(duration) - Date.now());
        timer = setTimeout(() => {
          if (isFulfilled(node)) return finish();
          try {
            this.resumeNode(node, {}, "Succeeded", "");
          } catch (error) {
            this.table.mark(node, "Error", error instanceof Error ? error.message : String(error));
          }
          finish();
        }, ms);
      }
      if (!this.canSchedule(req.onExit)) {
        this.table.mark(node, "Failed", this.haltMessage());
        finish();
      }
    });
    if (node.phase === "Running") this.table.mark(node, "Succeeded");
  }

  private async runHttpNode(node: NodeStatus, tmpl: Template, req: ExecRequest): Promise<void> {
    const http = tmpl.http;
    if (!http) return;
    const controller = new AbortController();
    const off = this.onHalt(() => {
      if (!this.canSchedule(req.onExit)) controller.abort();
    });
    try {
      const outcome = await runHttp(http, controller.signal);
      node.outputs = { result: outcome.body };
      this.table.mark(node, outcome.phase, outcome.message ?? "");
    } finally {
      off();
    }
    if (controller.signal.aborted && !isFulfilled(node)) this.table.mark(node, "Failed", this.haltMessage());
  }

  // ---- steps -----------------------------------------------------------------------------------------------

  private async runSteps(
    node: NodeStatus,
    tmpl: Template,
    vars: Record<string, string>,
    req: ExecRequest,
  ): Promise<void> {
    const scope = newScope(vars, this.globalArtifacts);
    const groups = tmpl.steps ?? [];
    const parallel = tmpl.parallelism ? new Semaphore(tmpl.parallelism) : undefined;
    const refs = resultReferences(tmpl);
    let lastGroupName: string | undefined;
    for (const [i, group] of groups.entries()) {
      if (!this.canSchedule(req.onExit)) {
        this.table.mark(node, "Failed", this.haltMessage());
        return;
      }
      if (this.suspendGate && !req.onExit) await this.suspendGate.promise;
      const sgName = `${node.name}[${i}]`;
      const sgId = this.table.id(sgName);
      const sg = this.table.init(sgName, "StepGroup", { boundaryId: node.id, phase: "Running" });
      if (isFulfilled(sg) && !failedOrError(sg.phase)) {
        // Kept from before a retry: rebuild the scope from its children.
        this.addGroupToScope(sgName, group, scope);
        lastGroupName = sgName;
        continue;
      }
      this.table.mark(sg, "Running", "");
      if (i === 0) this.table.addChild(node.name, sgName);
      else if (lastGroupName) {
        const prev = this.table.byName(lastGroupName);
        if (!prev?.children?.length) this.table.addChild(lastGroupName, sgName);
        else
          for (const c of prev.children)
            for (const o of this.table.outbound(c)) this.table.addChildId(o, sgId);
      }
      let failFastHit = false;
      const runs: Array<Promise<{ step: WorkflowStep; child: NodeStatus } | undefined>> = [];
      for (const rawStep of group) {
        const stepName = rawStep.name ?? "";
        const baseName = `${sgName}.${stepName}`;
        let step: WorkflowStep;
        let items: unknown[] | undefined;
        try {
          step = substDeep(rawStep, scope.vars, KEEP_ITEMS);
          items = loopItems(step);
        } catch (error) {
          const child = this.table.init(baseName, "Skipped", {
            boundaryId: node.id,
            templateName: rawStep.template,
            phase: "Error",
            message: error instanceof LoopError || error instanceof Error ? error.message : String(error),
          });
          this.table.addChild(sgName, baseName);
          runs.push(Promise.resolve({ step: rawStep, child }));
          continue;
        }
        if (items !== undefined && items.length === 0) {
          const child = this.table.init(baseName, "Skipped", {
            boundaryId: node.id,
            templateName: step.template,
            phase: "Skipped",
            message: "Skipped, empty params",
          });
          this.table.addChild(sgName, baseName);
          runs.push(Promise.resolve({ step, child }));
          continue;
        }
        const expanded =
          items === undefined
            ? [{ name: baseName, step }]
            : items.map((item, k) => ({
                name: baseName + itemSuffix(k, item),
                step: substDeep(
                  { ...step, withItems: undefined, withParam: undefined, withSequence: undefined },
                  {
                    ...scope.vars,
                    ...itemVars(item),
                  },
                ),
              }));
        for (const { name, step: s } of expanded) {
          runs.push(
            (async () => {
              const release = parallel ? await parallel.acquire() : undefined;
              try {
                // failFast: children not started yet are never created.
                if (failFastHit) return undefined;
                this.table.addChild(sgName, name);
                const child = await this.runStepOrTask(
                  name,
                  s,
                  node,
                  scope,
                  refs.has(stepName),
                  req,
                  "steps",
                );
                if (failedOrError(child.phase) && tmpl.failFast) failFastHit = true;
                return { step: s, child };
              } finally {
                release?.();
              }
            })(),
          );
        }
      }
      const results = (await Promise.all(runs)).filter((r) => r !== undefined);
      this.addGroupToScope(sgName, group, scope);
      lastGroupName = sgName;
      const failed = results.find(
        ({ step, child }) => failedOrError(child.phase) && !continues(step, child.phase),
      );
      if (failed || failFastHit) {
        const msg = failed
          ? `child '${failed.child.id}' failed`
          : "template has failed or errored children and failFast enabled";
        this.table.mark(sg, "Failed", msg);
        node.outboundNodes = this.groupOutbound(sgName);
        this.table.mark(
          node,
          "Failed",
          failFastHit ? "template has failed or errored children and failFast enabled" : msg,
        );
        return;
      }
      this.table.mark(sg, "Succeeded");
    }
    if (lastGroupName) node.outboundNodes = this.groupOutbound(lastGroupName);
    this.resolveTemplateOutputs(node, tmpl, scope);
    if (!isFulfilled(node)) this.table.mark(node, "Succeeded");
  }

  private groupOutbound(sgName: string): string[] {
    const sg = this.table.byName(sgName);
    if (!sg?.children?.length) return sg ? [sg.id] : [];
    return sg.children.flatMap((c) => this.table.outbound(c));
  }

  /** Adds the step outputs of a group's children to the scope (aggregating loops). */
  private addGroupToScope(sgName: string, group: WorkflowStep[], scope: Scope): void {
    for (const step of group) {
      const base = `${sgName}.${step.name ?? ""}`;
      const plain = this.table.byName(base);
      const prefix = `steps.${step.name ?? ""}`;
      const isLoop =
        step.withItems !== undefined || step.withParam !== undefined || step.withSequence !== undefined;
      if (isLoop) {
        const children = (this.table.byName(sgName)?.children ?? [])
          .map((id) => this.table.get(id))
          .filter((n): n is NodeStatus => !!n && n.name.startsWith(`${base}(`))
          .sort((a, b) => loopIndex(a.name) - loopIndex(b.name));
        addAggregateToScope(scope, prefix, children);
        if (plain) addNodeToScope(scope, prefix, plain);
      } else if (plain) {
        this.addProducerToScope(scope, prefix, plain, step.template);
      }
    }
  }

  /** Adds a producer's outputs; a Skipped/Omitted producer contributes its declared `valueFrom.default`s. */
  private addProducerToScope(
    scope: Scope,
    prefix: string,
    node: NodeStatus,
    templateName: string | undefined,
  ): void {
    addNodeToScope(scope, prefix, node);
    if (node.phase === "Skipped" || node.phase === "Omitted") {
      const tmpl = templateName ? this.templates.get(templateName) : undefined;
      for (const p of tmpl?.outputs?.parameters ?? []) {
        if (p.valueFrom?.default !== undefined)
          scope.vars[`${prefix}.outputs.parameters.${p.name}`] = p.valueFrom.default;
      }
    }
  }

  /** Runs one (expanded) step or task: `when`, the template, then its exit hook and lifecycle hooks. */
  private async runStepOrTask(
    name: string,
    step: WorkflowStep | DAGTask,
    boundary: NodeStatus,
    scope: Scope,
    captureResult: boolean,
    req: ExecRequest,
    kind: "steps" | "tasks",
  ): Promise<NodeStatus> {
    const existing = this.table.byName(name);
    if (existing && isFulfilled(existing) && !failedOrError(existing.phase)) return existing;
    if (step.when !== undefined && step.when !== "") {
      let proceed: boolean;
      try {
        proceed = evaluateWhen(subst(step.when, scope.vars));
      } catch (error) {
        return this.table.init(name, "Skipped", {
          boundaryId: boundary.id,
          templateName: step.template,
          phase: "Error",
          message: error instanceof Error ? error.message : String(error),
        });
      }
      if (!proceed) {
        return this.table.init(name, "Skipped", {
          boundaryId: boundary.id,
          templateName: step.template,
          phase: "Skipped",
          message: `when '${subst(step.when, scope.vars)}' evaluated false`,
        });
      }
    }
    const args = this.resolveArguments(step.arguments, scope);
    if (args instanceof Error) {
      return this.table.init(name, "Skipped", {
        boundaryId: boundary.id,
        templateName: step.template,
        phase: "Error",
        message: args.message,
      });
    }
    const stepName = (step as { name?: string }).name ?? "";
    const hooks = step.hooks ?? {};
    const hookDone: Promise<unknown>[] = [];
    const hookWatcher = Object.entries(hooks).filter(([k, h]) => k !== "exit" && h.expression);
    let stopHooks = () => {};
    const run = this.execute({
      nodeName: name,
      templateName: step.template,
      inline: step.inline,
      args,
      boundaryId: boundary.id,
      onExit: req.onExit,
      captureResult,
    });
    if (hookWatcher.length) {
      const check = () => {
        const self = this.table.byName(name);
        if (!self) return;
        for (const [hookName, hook] of hookWatcher) {
          const key = `${name}.hooks.${hookName}`;
          if (this.firedHooks.has(key)) continue;
          const hookScope = newScope({ ...scope.vars });
          addNodeToScope(hookScope, `${kind}.${stepName}`, self);
          if (!this.hookFires(hook, hookScope)) continue;
          this.firedHooks.add(key);
          hookDone.push(this.runHook(key, hook, hookScope, boundary.id, req.onExit, name));
        }
      };
      const timer = setInterval(check, 250);
      stopHooks = () => {
        clearInterval(timer);
        check();
      };
      check();
    }
    const child = await run;
    stopHooks();
    await Promise.all(hookDone);
    const exitHook: LifecycleHook | undefined =
      hooks.exit ?? (step.onExit ? { template: step.onExit } : undefined);
    if (exitHook && isCompleted(child)) {
      const hookScope = newScope({ ...scope.vars }, { ...scope.artifacts });
      addNodeToScope(hookScope, `${kind}.${stepName}`, child);
      const exitName = `${name}.onExit`;
      this.table.addChild(name, exitName);
      const hookArgs = this.resolveArguments(exitHook.arguments, hookScope);
      await this.execute({
        nodeName: exitName,
        templateName: exitHook.template,
        args: hookArgs instanceof Error ? undefined : hookArgs,
        boundaryId: boundary.id,
        onExit: true,
        hooked: true,
        captureResult: false,
      });
    }
    return child;
  }

  private hookFires(hook: LifecycleHook, scope: Scope): boolean {
    if (!hook.expression) return false;
    try {
      return subst(`{{=${hook.expression}}}`, scope.vars) === "true";
    } catch {
      return false;
    }
  }

  private runHook(
    nodeName: string,
    hook: LifecycleHook,
    scope: Scope,
    boundaryId: string | undefined,
    onExit: boolean,
    parentName: string | undefined,
  ): Promise<NodeStatus> {
    const args = this.resolveArguments(hook.arguments, scope);
    if (parentName) this.table.addChild(parentName, nodeName);
    return this.execute({
      nodeName,
      templateName: hook.template,
      args: args instanceof Error ? undefined : args,
      ...(boundaryId ? { boundaryId } : {}),
      onExit,
      hooked: true,
      captureResult: false,
    });
  }

  /** Workflow-level lifecycle hooks (`spec.hooks.<name>` other than exit), each fired at most once. */
  private evaluateWorkflowHooks(): void {
    for (const [name, hook] of this.workflowHooks) {
      const key = `${this.name}.hooks.${name}`;
      if (this.firedHooks.has(key)) continue;
      if (!this.hookFires(hook, this.baseScope())) continue;
      this.firedHooks.add(key);
      this.hookRuns.push(this.runHook(key, hook, this.baseScope(), undefined, false, undefined));
    }
  }

  /** Substitutes a step's/task's arguments; a pure reference to an absent output is dropped (input default applies). */
  private resolveArguments(args: Arguments | undefined, scope: Scope): Arguments | Error {
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

  /** Steps/DAG outputs: `valueFrom.parameter` / `expression` / `default`, artifacts `from`. */
  private resolveTemplateOutputs(node: NodeStatus, tmpl: Template, scope: Scope): void {
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
        this.table.mark(node, "Error", `unable to resolve outputs from scope: outputs.parameters.${p.name}`);
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
        this.table.mark(node, "Error", `unable to resolve outputs from scope: outputs.artifacts.${a.name}`);
        return;
      }
    }
    if (artifacts.length) outputs.artifacts = artifacts;
    if (Object.keys(outputs).length) node.outputs = outputs;
  }

  // ---- DAG -------------------------------------------------------------------------------------------------

  private async runDag(
    node: NodeStatus,
    tmpl: Template,
    vars: Record<string, string>,
    req: ExecRequest,
  ): Promise<void> {
    const dag = tmpl.dag;
    if (!dag) return;
    const tasks = new Map(dag.tasks.map((t) => [t.name, t]));
    const depsOf = (t: DAGTask): string[] =>
      t.depends ? dependsTaskNames(t.depends) : [...(t.dependencies ?? [])];
    for (const t of dag.tasks) {
      for (const d of depsOf(t)) {
        if (!tasks.has(d)) {
          this.table.mark(node, "Error", `task '${t.name}' references a non-existent task '${d}'`);
          return;
        }
      }
    }
    const continueOnOf = (t: string) => tasks.get(t)?.continueOn;
    const dependsLogic = (t: DAGTask): string =>
      t.depends ?? dependenciesToDepends(t.dependencies ?? [], continueOnOf);
    let targets: string[];
    if (dag.target) targets = subst(dag.target, vars).split(" ").filter(Boolean);
    else {
      const hasDependants = new Set(dag.tasks.flatMap(depsOf));
      targets = dag.tasks
        .map((t) => t.name)
        .filter((n) => !hasDependants.has(n))
        .sort();
    }
    for (const t of targets) {
      if (!tasks.has(t)) {
        this.table.mark(node, "Error", `target '${t}' is not a task of template ${tmpl.name ?? ""}`);
        return;
      }
    }
    const needed = new Set<string>();
    const visit = (n: string) => {
      if (needed.has(n)) return;
      needed.add(n);
      const t = tasks.get(n);
      if (t) for (const d of depsOf(t)) visit(d);
    };
    for (const t of targets) visit(t);

    // The scope gets a settled task's outputs only when something reads it: most DAGs never do (no task has
    // a tag or an argument), and adding five variables per task to a scope of thousands was a hot spot.
    const eager = newScope(vars, this.globalArtifacts);
    let unscoped: string[] = [];
    const addUnscoped = () => {
      const pending = unscoped;
      unscoped = [];
      for (const t of pending) addTaskToScope(t);
    };
    const scope: Scope = {
      get vars() {
        if (unscoped.length) addUnscoped();
        return eager.vars;
      },
      get artifacts() {
        if (unscoped.length) addUnscoped();
        return eager.artifacts;
      },
    };
    const refs = resultReferences(tmpl);
    const parallel = tmpl.parallelism ? new Semaphore(tmpl.parallelism) : undefined;
    const taskName = (t: string) => `${node.name}.${t}`;
    const started = new Set<string>();
    const settled = new Set<string>();
    // Which tasks to look at: rescanning every task each time one settles was O(tasks²). A task is looked at on
    // the first pass, when its last dependency settles, and again while it waits (for a dependency's exit hook,
    // or after a halt). Within a pass tasks go in declaration order, as a full scan would take them.
    const order = new Map(dag.tasks.map((t, i) => [t.name, i]));
    const unsettledDeps = new Map<string, number>();
    const dependants = new Map<string, string[]>();
    for (const t of needed) {
      const task = tasks.get(t);
      const deps = new Set(task ? depsOf(task) : []);
      unsettledDeps.set(t, deps.size);
      for (const d of deps) {
        const list = dependants.get(d);
        if (list) list.push(t);
        else dependants.set(d, [t]);
      }
    }
    let candidates = new Set<string>(needed);
    const settle = (t: string) => {
      if (settled.has(t)) return;
      settled.add(t);
      for (const d of dependants.get(t) ?? []) {
        const left = (unsettledDeps.get(d) ?? 0) - 1;
        unsettledDeps.set(d, left);
        if (left === 0) candidates.add(d);
      }
    };
    let wake: () => void = () => {};
    let running = 0;

    // Ids by task name, looked up for every scheduling decision.
    const taskIds = new Map<string, string>();
    const hookIds = new Map<string, string>();
    const idOf = (ids: Map<string, string>, t: string, name: () => string) => {
      let id = ids.get(t);
      if (id === undefined) {
        id = this.table.id(name());
        ids.set(t, id);
      }
      return id;
    };
    const taskNode = (t: string) => this.table.get(idOf(taskIds, t, () => taskName(t)));
    const connect = (t: string, name: string) => {
      const task = tasks.get(t);
      const deps = task ? depsOf(task) : [];
      if (deps.length === 0) this.table.addChild(node.name, name);
      else {
        const id = this.table.id(name);
        for (const d of deps) {
          const dn = taskNode(d);
          if (dn) for (const o of this.table.outbound(dn.id)) this.table.addChildId(o, id);
        }
      }
    };
    const addTaskToScope = (t: string) => {
      const n = taskNode(t);
      if (!n) return;
      if (n.type === "TaskGroup") {
        const children = (n.children ?? [])
          .map((id) => this.table.get(id))
          .filter((c): c is NodeStatus => !!c)
          .sort((a, b) => loopIndex(a.name) - loopIndex(b.name));
        addAggregateToScope(eager, `tasks.${t}`, children);
        addNodeToScope(eager, `tasks.${t}`, n);
      } else this.addProducerToScope(eager, `tasks.${t}`, n, tasks.get(t)?.template);
    };

    const runTask = async (t: string, task: DAGTask): Promise<void> => {
      const name = taskName(t);
      let resolved: DAGTask;
      let items: unknown[] | undefined;
      try {
        resolved = needsSubst(task, KEEP_TASK_LOGIC) ? substDeep(task, scope.vars, KEEP_TASK_LOGIC) : task;
        items = loopItems(resolved);
      } catch (error) {
        connect(t, name);
        this.table.init(name, "Skipped", {
          boundaryId: node.id,
          templateName: task.template,
          phase: "Error",
          message: error instanceof Error ? error.message : String(error),
        });
        return;
      }
      const capture = refs.has(t);
      const runOne = async (childName: string, s: DAGTask) => {
        const release = parallel ? await parallel.acquire() : undefined;
        try {
          return await this.runStepOrTask(childName, s, node, scope, capture, req, "tasks");
        } finally {
          release?.();
        }
      };
      if (items === undefined) {
        connect(t, name);
        await runOne(name, resolved);
        return;
      }
      connect(t, name);
      const group = this.table.init(name, "TaskGroup", {
        boundaryId: node.id,
        templateName: task.template,
        phase: "Running",
      });
      if (items.length === 0) {
        this.table.mark(group, "Skipped", "Skipped, empty params");
        return;
      }
      const children = await Promise.all(
        items.map((item, k) => {
          const childName = name + itemSuffix(k, item);
          this.table.addChild(name, childName);
          const s = substDeep(
            { ...resolved, withItems: undefined, withParam: undefined, withSequence: undefined },
            {
              ...scope.vars,
              ...itemVars(item),
            },
          );
          return runOne(childName, s);
        }),
      );
      const bad = children.find((c) => failedOrError(c.phase));
      this.table.mark(group, bad ? (bad.phase as NodePhase) : "Succeeded");
    };

    const hookFulfilled = (t: string) => {
      // Only a task with an exit hook can have a hook node (its id is a hash: not worth making for the rest).
      const task = tasks.get(t);
      if (!task?.hooks?.exit && !task?.onExit) return true;
      const exit = this.table.get(idOf(hookIds, t, () => `${taskName(t)}.onExit`));
      return !exit || isFulfilled(exit);
    };

    const byOrder = (a: string, b: string) => (order.get(a) ?? 0) - (order.get(b) ?? 0);
    const schedule = () => {
      const queue = [...candidates].sort(byOrder);
      candidates = new Set();
      const waiting: string[] = [];
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const t = next;
        // Tasks that became ready behind this one join this pass; those ahead of it wait for the next.
        for (const c of candidates) {
          if (byOrder(c, t) <= 0) continue;
          candidates.delete(c);
          const at = queue.findIndex((q) => byOrder(q, c) > 0);
          queue.splice(at < 0 ? queue.length : at, 0, c);
        }
        const task = tasks.get(t);
        if (!task || started.has(t) || settled.has(t)) continue;
        const existing = taskNode(t);
        if (existing && isFulfilled(existing) && !failedOrError(existing.phase)) {
          settle(t);
          unscoped.push(t);
          continue;
        }
        if ((unsettledDeps.get(t) ?? 0) > 0) continue;
        const deps = depsOf(task);
        if (!deps.every(hookFulfilled) || !this.canSchedule(req.onExit)) {
          waiting.push(t);
          continue;
        }
        // As `if (logic)` on the depends expression, without building it for a `dependencies` list.
        if (task.depends !== undefined ? task.depends !== "" : deps.length > 0) {
          const states: Record<
            string,
            { phase: NodePhase; loop?: { anySucceeded: boolean; allFailed: boolean } }
          > = {};
          for (const d of deps) {
            const dn = taskNode(d);
            const phase = (dn?.phase as NodePhase) ?? "Omitted";
            if (dn?.type === "TaskGroup") {
              const kids = (dn.children ?? []).map((id) => this.table.get(id));
              states[d] = {
                phase,
                loop: {
                  anySucceeded: kids.some((k) => k?.phase === "Succeeded"),
                  allFailed: kids.length > 0 && kids.every((k) => k?.phase === "Failed"),
                },
              };
            } else states[d] = { phase };
          }
          let execute: boolean;
          try {
            execute =
              (task.depends === undefined ? dependenciesSatisfied(deps, states, continueOnOf) : undefined) ??
              evaluateDepends(dependsLogic(task), states, continueOnOf);
          } catch (error) {
            connect(t, taskName(t));
            this.table.init(taskName(t), "Skipped", {
              boundaryId: node.id,
              templateName: task.template,
              phase: "Error",
              message: error instanceof Error ? error.message : String(error),
            });
            settle(t);
            continue;
          }
          if (!execute) {
            connect(t, taskName(t));
            this.table.init(taskName(t), "Skipped", {
              boundaryId: node.id,
              templateName: task.template,
              phase: "Omitted",
              message: "omitted: depends condition not met",
            });
            settle(t);
            continue;
          }
        }
        started.add(t);
        running++;
        void runTask(t, task)
          .catch((error: unknown) => {
            const n =
              taskNode(t) ?? this.table.init(taskName(t), "Skipped", { boundaryId: node.id, phase: "Error" });
            if (!isFulfilled(n))
              this.table.mark(n, "Error", error instanceof Error ? error.message : String(error));
          })
          .finally(() => {
            running--;
            started.delete(t);
            settle(t);
            unscoped.push(t);
            wake();
          });
      }
      for (const t of waiting) candidates.add(t);
    };

    const failFast = dag.failFast !== false;
    const pump = () => {
      let progressed = true;
      while (progressed) {
        const before = settled.size + started.size;
        schedule();
        progressed = settled.size + started.size !== before;
      }
    };
    pump();
    if (running > 0) {
      // Tasks are scheduled from a microtask queued when one settles (as soon as this function would have resumed
      // from an await), not by resuming this function once per task: resumed that often, the whole of it became
      // hot and V8 compiled it, and compiled it again, in the first runs of every process.
      await new Promise<void>((resolve, reject) => {
        let queued = false;
        const step = () => {
          queued = false;
          try {
            pump();
          } catch (error) {
            reject(error);
            return;
          }
          if (running === 0) resolve();
        };
        wake = () => {
          if (queued) return;
          queued = true;
          queueMicrotask(step);
        };
      });
    }
    // Nothing runs now (while a task runs, the BFS would stop at it: Running).
    const phase = assessDagPhase(this.table, node, targets, tasks, failFast);
    if (phase === "Running") {
      // Nothing runs and nothing more can start.
      if (this.canSchedule(req.onExit)) {
        this.table.mark(node, "Error", "deadlock: no task of the DAG can run");
        return;
      }
      this.table.mark(node, "Failed", this.haltMessage());
      return;
    }
    // A target with no node (e.g. never reached) has no outbound nodes.
    node.outboundNodes = targets.flatMap((t) => {
      const n = taskNode(t);
      return n ? this.table.outbound(n.id) : [];
    });
    if (phase === "Succeeded") this.resolveTemplateOutputs(node, tmpl, scope);
    if (!isFulfilled(node)) this.table.mark(node, phase);
  }
}

function hostEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}

/** An expression's value as parameter text (strings as is, the rest as JSON). */
function exprText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function continues(step: WorkflowStep, phase: string | undefined): boolean {
  return (phase === "Failed" && !!step.continueOn?.failed) || (phase === "Error" && !!step.continueOn?.error);
}

function loopIndex(name: string): number {
  const m = /\((\d+):[^()]*\)$/.exec(name) ?? /\((\d+):.*\)$/.exec(name);
  return m?.[1] ? Number(m[1]) : 0;
}

function pickLocation(a: Artifact): Partial<Artifact> {
  const out: Partial<Artifact> = {};
  if (a.raw) out.raw = a.raw;
  if (a.s3) out.s3 = a.s3;
  if (a.archive) out.archive = a.archive;
  return out;
}

export { TemplateError };

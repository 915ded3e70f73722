import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { NodeStatus, Workflow } from "../../argo";
import { decodeAnyStrings } from "../../argo/any-string";
import { LABEL_COMPLETED } from "../../argo/labels";
import { selectNodes } from "../../argo/node-field-selector";
import { isFulfilled } from "../../argo/phases";
import { formulateResubmit, randomNameSuffix } from "../../argo/resubmit";
import { formulateRetry } from "../../argo/retry";
import { ttlSecondsOf } from "../../argo/ttl";
import type {
  Engine,
  ListOptions,
  LogLine,
  LogOptions,
  ResubmitOptions,
  RetryOptions,
  SubmitRequest,
  TemplateKind,
  TemplateObjectRef,
  WatchEvent,
  WatchOptions,
  WorkflowList,
  WorkflowRef,
} from "../../ports/engine";
import {
  WorkflowConflictError,
  WorkflowNotFoundError,
  WorkflowRejectedError,
} from "../../ports/engine-errors";
import { LABEL_RUN_ID } from "../labels";
import { markLost, WorkflowJournal } from "./journal";
import { launcherFor } from "./launcher";
import { type RunEnvironment, TemplateError, WorkflowExecution } from "./operator";
import { type LocalEngineOptions, type ResolvedOptions, resolveOptions } from "./options";
import { type LabelRequirement, LabelSelectorError, matchesLabels, parseLabelSelector } from "./selector";
import { LockManager, Semaphore } from "./semaphore";
import { type StoredTemplate, TemplateRegistry } from "./templates";
import { assertRunnableLocally } from "./validate";

/**
 * A deep copy. Workflows are plain JSON-like data: copied field by field, which is about three times faster than
 * structuredClone (a snapshot copies every node of the run); anything else goes through structuredClone.
 */
function clone<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    // Pushed, not preallocated: `new Array(n)` makes a holey array, a second shape for the engine's code to meet
    // beside the packed arrays of literals and JSON (each new shape deoptimizes the hot code that reads them).
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(clone(value[i]));
    return out as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = clone((value as Record<string, unknown>)[key]);
  return out as T;
}

function selector(text: string | undefined): LabelRequirement[] {
  try {
    return parseLabelSelector(text ?? "");
  } catch (error) {
    if (error instanceof LabelSelectorError) throw new WorkflowRejectedError(error.message, { cause: error });
    throw error;
  }
}

/**
 * The local engine: runs any Argo Workflow on this machine with host processes, with Argo's semantics, and reports
 * status in Argo's exact format. See docs/local-engine.md.
 */
export class LocalEngine implements Engine {
  readonly kind = "local" as const;
  readonly options: ResolvedOptions;
  private readonly runs = new Map<string, WorkflowExecution>();
  private readonly watchers = new Set<(event: WatchEvent) => void>();
  private readonly env: RunEnvironment;
  private readonly pending = new Set<string>();
  private resourceVersion = 0;
  private flushScheduled = false;
  /** Where workflows outlive this engine (the `stateDir` option). */
  private readonly journal: WorkflowJournal | undefined;
  /** The installed WorkflowTemplates and ClusterWorkflowTemplates. */
  private readonly templates: TemplateRegistry;
  /** Runs whose completed state the journal holds. */
  private readonly journaled = new WeakSet<WorkflowExecution>();

  constructor(options: LocalEngineOptions = {}) {
    this.options = resolveOptions(options);
    const { stateDir } = this.options;
    this.templates = new TemplateRegistry(
      this.options.clusterTemplates,
      stateDir ? join(stateDir, "templates.json") : undefined,
    );
    this.env = {
      options: this.options,
      locks: new LockManager(),
      slots: new Semaphore(this.options.concurrency),
      launcher: launcherFor(this.options.launcher),
      shimDirs: new Map(),
    };
    if (this.options.stateDir) {
      this.journal = new WorkflowJournal(this.options.stateDir);
      this.restore(this.journal);
    }
  }

  /** The workflows of an earlier engine on the same state: kept as they ended, or ended as lost. */
  private restore(journal: WorkflowJournal): void {
    for (const wf of journal.load()) {
      const completed = wf.metadata.labels?.[LABEL_COMPLETED] === "true";
      if (!completed) journal.save(markLost(wf));
      const run = new WorkflowExecution(wf, this.env, () => this.touch(run));
      this.runs.set(this.key(wf.metadata.namespace ?? this.options.namespace, wf.metadata.name ?? ""), run);
      this.journaled.add(run);
      const version = Number(wf.metadata.resourceVersion);
      if (Number.isInteger(version) && version > this.resourceVersion) this.resourceVersion = version;
    }
  }

  private key(namespace: string, name: string): string {
    return `${namespace}/${name}`;
  }

  private find(ref: WorkflowRef): WorkflowExecution {
    const run = this.runs.get(this.key(ref.namespace || this.options.namespace, ref.name));
    if (!run || (ref.uid && run.wf.metadata.uid !== ref.uid)) {
      throw new WorkflowNotFoundError(`workflows.argoproj.io "${ref.name}" not found`);
    }
    return run;
  }

  /** Marks a workflow changed; watchers get it once per tick (every status write bumps resourceVersion). */
  private touch(run: WorkflowExecution, type: WatchEvent["type"] = "MODIFIED"): void {
    // Every node change of a run comes here: its key is made once.
    run.feedKey ??= this.key(run.wf.metadata.namespace ?? "", run.name);
    const key = run.feedKey;
    // Written before anyone hears of the completion, so that no one records an end the engine could forget.
    if (this.journal && !this.journaled.has(run) && isCompletedRun(run)) {
      this.journal.save(run.wf);
      this.journaled.add(run);
    }
    if (type !== "MODIFIED") {
      this.emit(run, type);
      return;
    }
    this.pending.add(key);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const keys = [...this.pending];
      this.pending.clear();
      for (const k of keys) {
        const r = this.runs.get(k);
        if (r) this.emit(r, "MODIFIED");
      }
    });
  }

  private emit(run: WorkflowExecution, type: WatchEvent["type"]): void {
    const meta = run.wf.metadata;
    meta.resourceVersion = String(++this.resourceVersion);
    meta.generation = (meta.generation ?? 0) + 1;
    if (this.watchers.size === 0) return;
    run.updateProgress();
    const object = clone(run.wf);
    for (const w of this.watchers) w({ type, object });
  }

  async installTemplate(template: StoredTemplate): Promise<StoredTemplate> {
    return this.templates.install(template, template.metadata?.namespace ?? this.options.namespace);
  }

  async getTemplate(ref: TemplateObjectRef): Promise<StoredTemplate | undefined> {
    return this.templates.get(ref, this.options.namespace);
  }

  async deleteTemplate(ref: TemplateObjectRef): Promise<boolean> {
    return this.templates.remove(ref, this.options.namespace);
  }

  async listTemplates(kind: TemplateKind): Promise<StoredTemplate[]> {
    return this.templates.list(kind, this.options.namespace);
  }

  async submit(spec: Workflow, request: SubmitRequest): Promise<Workflow> {
    return this.create(spec, request, undefined);
  }

  /** Submit, optionally with nodes carried over (memoized resubmit). */
  private async create(
    spec: Workflow,
    request: SubmitRequest,
    carried: Record<string, NodeStatus> | undefined,
  ): Promise<Workflow> {
    if (!spec || typeof spec !== "object" || !spec.spec) {
      throw new WorkflowRejectedError("the spec is not a Workflow (missing spec)");
    }
    if (spec.kind !== undefined && spec.kind !== "Workflow") {
      throw new WorkflowRejectedError(`kind ${String(spec.kind)} is not a Workflow`);
    }
    if (!request?.runId) throw new WorkflowRejectedError("runId is required");
    const wf: Workflow = clone(spec);
    decodeAnyStrings(wf.spec);
    wf.apiVersion = "argoproj.io/v1alpha1";
    wf.kind = "Workflow";
    wf.metadata ??= {};
    const meta = wf.metadata;
    meta.namespace = request.namespace ?? meta.namespace ?? this.options.namespace;
    if (!meta.name) {
      if (!meta.generateName)
        throw new WorkflowRejectedError("metadata.name or metadata.generateName is required");
      do meta.name = meta.generateName + randomNameSuffix();
      while (this.runs.has(this.key(meta.namespace, meta.name)));
    }
    if (this.runs.has(this.key(meta.namespace, meta.name))) {
      throw new WorkflowConflictError(`workflows.argoproj.io "${meta.name}" already exists`);
    }
    meta.uid = randomUUID();
    meta.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    meta.labels = { ...meta.labels, ...request.labels, [LABEL_RUN_ID]: request.runId };
    meta.annotations = {
      ...meta.annotations,
      ...request.annotations,
      "workflows.argoproj.io/pod-name-format": "v2",
    };
    for (const [k, v] of Object.entries(wf.spec.workflowMetadata?.labels ?? {})) meta.labels[k] = v;
    if (request.parameters) {
      const params = [...(wf.spec.arguments?.parameters ?? [])];
      for (const [name, value] of Object.entries(request.parameters)) {
        const existing = params.find((p) => p.name === name);
        if (existing) {
          existing.value = value;
          delete existing.valueFrom;
        } else params.push({ name, value });
      }
      wf.spec.arguments = { ...wf.spec.arguments, parameters: params };
    }
    for (const p of wf.spec.arguments?.parameters ?? []) {
      if (p.enum?.length && p.value !== undefined && !p.enum.includes(p.value)) {
        throw new WorkflowRejectedError(
          `spec.arguments.parameters.${p.name}: value '${p.value}' is not one of ${JSON.stringify(p.enum)}`,
        );
      }
    }
    wf.status = carried ? { nodes: carried } : {};
    this.templates.resolveInto(wf);
    assertRunnableLocally(wf, this.options.semaphores);
    const run = new WorkflowExecution(wf, this.env, () => this.touch(run));
    this.runs.set(this.key(meta.namespace, meta.name), run);
    this.journal?.save(wf);
    this.touch(run, "ADDED");
    run.start();
    this.afterCompletion(run);
    return snapshot(run);
  }

  private afterCompletion(run: WorkflowExecution): void {
    void run.done.then(() => {
      const seconds = ttlSecondsOf(run.wf);
      if (seconds === undefined) return;
      const key = this.key(run.wf.metadata.namespace ?? "", run.name);
      setTimeout(() => {
        if (this.runs.get(key) !== run || run.wf.status?.finishedAt === undefined) return;
        if (!isCompletedRun(run)) return;
        this.runs.delete(key);
        this.journal?.remove(run.wf.metadata.namespace ?? "", run.name);
        this.emit(run, "DELETED");
      }, seconds * 1000).unref();
    });
  }

  async get(ref: WorkflowRef): Promise<Workflow | undefined> {
    try {
      return snapshot(this.find(ref));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  /** Resolves with the workflow once it has completed. */
  async wait(ref: WorkflowRef): Promise<Workflow> {
    const run = this.find(ref);
    await run.done;
    return snapshot(run);
  }

  async list(options: ListOptions = {}): Promise<WorkflowList> {
    const reqs = selector(options.labelSelector);
    const all = [...this.runs.values()]
      .filter((r) => matchesLabels(reqs, r.wf.metadata.labels))
      .sort((a, b) => a.name.localeCompare(b.name));
    const start = options.continue ? Number(options.continue) : 0;
    if (!Number.isInteger(start) || start < 0)
      throw new WorkflowRejectedError(`invalid continue token "${options.continue}"`);
    const end = options.limit ? start + options.limit : all.length;
    const items = all.slice(start, end).map(snapshot);
    return end < all.length ? { items, continue: String(end) } : { items };
  }

  private assertActive(run: WorkflowExecution): void {
    if (isCompletedRun(run)) throw new WorkflowConflictError("cannot shutdown a completed workflow");
  }

  async stop(ref: WorkflowRef, message?: string): Promise<Workflow> {
    const run = this.find(ref);
    this.assertActive(run);
    run.wf.spec.shutdown = "Stop";
    if (message)
      run.wf.metadata.annotations = { ...run.wf.metadata.annotations, "skiff.dev/stop-message": message };
    run.halt("Stop");
    this.touch(run);
    return snapshot(run);
  }

  async terminate(ref: WorkflowRef): Promise<Workflow> {
    const run = this.find(ref);
    this.assertActive(run);
    run.wf.spec.shutdown = "Terminate";
    run.halt("Terminate");
    this.touch(run);
    return snapshot(run);
  }

  async suspend(ref: WorkflowRef): Promise<Workflow> {
    const run = this.find(ref);
    if (isCompletedRun(run)) throw new WorkflowConflictError("cannot suspend completed workflows");
    run.wf.spec.suspend = true;
    run.setSuspended(true);
    this.touch(run);
    return snapshot(run);
  }

  async resume(
    ref: WorkflowRef,
    nodeFieldSelector?: string,
    outputs: Record<string, string> = {},
  ): Promise<Workflow> {
    const run = this.find(ref);
    if (isCompletedRun(run)) throw new WorkflowConflictError("cannot resume completed workflows");
    const nodes = selectNodes(run.activeSuspendNodes(), nodeFieldSelector);
    this.resumeNodes(run, nodes, outputs);
    if (!nodeFieldSelector) {
      delete run.wf.spec.suspend;
      run.setSuspended(false);
    }
    this.touch(run);
    return snapshot(run);
  }

  /**
   * Argo's `argo node set`: sets supplied output parameters of matching active suspend nodes and resumes them
   * (phase Succeeded unless `phase` says otherwise).
   */
  async setNode(
    ref: WorkflowRef,
    nodeFieldSelector: string,
    update: {
      parameters?: Record<string, string>;
      phase?: "Succeeded" | "Failed" | "Error";
      message?: string;
    },
  ): Promise<Workflow> {
    const run = this.find(ref);
    const nodes = selectNodes(run.activeSuspendNodes(), nodeFieldSelector);
    if (!nodes.length)
      throw new WorkflowConflictError(`no active suspend node matches "${nodeFieldSelector}"`);
    this.resumeNodes(run, nodes, update.parameters ?? {}, update.phase, update.message);
    this.touch(run);
    return snapshot(run);
  }

  private resumeNodes(
    run: WorkflowExecution,
    nodes: NodeStatus[],
    values: Record<string, string>,
    phase?: "Succeeded" | "Failed" | "Error",
    message?: string,
  ): void {
    try {
      for (const node of nodes) run.resumeNode(node, values, phase, message);
    } catch (error) {
      if (error instanceof TemplateError) throw new WorkflowConflictError(error.message, { cause: error });
      throw error;
    }
  }

  async retry(ref: WorkflowRef, options: RetryOptions = {}): Promise<Workflow> {
    const run = this.find(ref);
    if (!isCompletedRun(run)) throw new WorkflowConflictError(`workflow must be Failed/Error to retry`);
    // Argo's formulation, applied to the in-memory workflow: kept nodes are reused by name, the rest runs again
    // (there are no pods to delete here).
    const { workflow: wf } = formulateRetry(run.wf, options);
    const next = new WorkflowExecution(wf, this.env, () => this.touch(next));
    this.runs.set(this.key(wf.metadata.namespace ?? "", wf.metadata.name ?? ""), next);
    this.journal?.save(wf);
    next.start();
    this.afterCompletion(next);
    this.touch(next);
    return snapshot(next);
  }

  async resubmit(ref: WorkflowRef, options: ResubmitOptions): Promise<Workflow> {
    const old = this.find(ref).wf;
    const namespace = old.metadata.namespace ?? this.options.namespace;
    const spec = formulateResubmit(old, {
      memoized: options.memoized,
      parameters: options.parameters,
    });
    const request = { runId: options.runId, namespace };
    if (!options.memoized) return this.submit(spec, request);
    // Argo's --memoized: previously succeeded pods are carried over as Skipped ("original pod: <id>").
    const nodes = spec.status?.nodes ?? {};
    delete spec.status;
    return this.create(spec, request, nodes);
  }

  async *logs(ref: WorkflowRef, options: LogOptions = {}): AsyncIterable<LogLine> {
    const run = this.find(ref);
    const isDone = () => {
      if (isCompletedRun(run)) return true;
      if (!options.nodeId) return false;
      return isFulfilled(run.table.get(options.nodeId));
    };
    const lines = run.logs.read({
      ...(options.nodeId ? { nodeId: options.nodeId } : {}),
      follow: options.follow ?? false,
      ...(options.signal ? { signal: options.signal } : {}),
      isDone,
    });
    if (options.tailLines === undefined || options.follow) {
      yield* lines;
      return;
    }
    yield* lastLinesPerNode(lines, options.tailLines);
  }

  async *watch(options: WatchOptions = {}): AsyncIterable<WatchEvent> {
    const reqs = selector(options.labelSelector);
    const queue: WatchEvent[] = [];
    let wake: (() => void) | undefined;
    const listener = (event: WatchEvent) => {
      if (!matchesLabels(reqs, event.object.metadata.labels)) return;
      queue.push(event);
      wake?.();
    };
    this.watchers.add(listener);
    const onAbort = () => wake?.();
    options.signal?.addEventListener("abort", onAbort);
    try {
      for (const run of this.runs.values()) {
        if (matchesLabels(reqs, run.wf.metadata.labels)) queue.push({ type: "ADDED", object: clone(run.wf) });
      }
      while (!options.signal?.aborted) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      this.watchers.delete(listener);
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Terminates every running workflow and waits for them (no step process outlives the engine). */
  async close(): Promise<void> {
    const active = [...this.runs.values()].filter((r) => !isCompletedRun(r));
    for (const run of active) run.halt("Terminate");
    await Promise.all(active.map((r) => r.done));
    if (this.options.cleanWorkDirs) await rm(this.options.workDir, { recursive: true, force: true });
  }
}

/** A copy of the workflow with its progress brought up to date. */
function snapshot(run: WorkflowExecution): Workflow {
  run.updateProgress();
  return clone(run.wf);
}

function isCompletedRun(run: WorkflowExecution): boolean {
  return run.wf.metadata.labels?.[LABEL_COMPLETED] === "true";
}

/** Kubernetes' `tailLines` applies per pod: the last `n` lines of each step, in their order. */
async function* lastLinesPerNode(lines: AsyncIterable<LogLine>, n: number): AsyncGenerator<LogLine> {
  const byNode = new Map<string, LogLine[]>();
  const order: LogLine[] = [];
  for await (const line of lines) {
    const kept = byNode.get(line.nodeId) ?? [];
    kept.push(line);
    if (kept.length > n) kept.shift();
    byNode.set(line.nodeId, kept);
    order.push(line);
  }
  const keep = new Set([...byNode.values()].flat());
  for (const line of order) if (keep.has(line)) yield line;
}

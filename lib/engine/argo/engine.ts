import { setTimeout as delay } from "node:timers/promises";
import type { NodeStatus, Workflow } from "../../argo";
import { ARGO_API_VERSION } from "../../argo";
import { LABEL_COMPLETED, LABEL_CONTROLLER_INSTANCE_ID } from "../../argo/labels";
import { nodeMatches, parseNodeFieldSelector } from "../../argo/node-field-selector";
import { fnv32a, podNameFor } from "../../argo/node-ids";
import { formulateResubmit } from "../../argo/resubmit";
import { argoTime, formulateRetry } from "../../argo/retry";
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
  EngineUnavailableError,
  WorkflowConflictError,
  WorkflowNotFoundError,
  WorkflowRejectedError,
} from "../../ports/engine-errors";
import { LABEL_RUN_ID } from "../labels";
import type { ArgoServerClient } from "./argo-server";
import {
  DEFAULT_RETRY_POLICY,
  HttpStatusError,
  type RetryPolicy,
  toEngineError,
  withRetries,
} from "./http-retry";
import { ArgoTemplates } from "./templates";
import { type TemplateObject, WatchExpiredError, type WorkflowTransport } from "./transport";

export interface ArgoEngineOptions {
  /** Namespace for new workflows and for list/watch. Default "default". */
  namespace?: string;
  /** The workflow controller's instance id; when set, every workflow gets the matching label. */
  instanceId?: string;
  /** Retry policy for transient API failures. Default 5 attempts, 200 ms doubling, capped at 5 s. */
  retry?: Partial<RetryPolicy>;
  /** When set, control actions (stop, terminate, suspend, resume, retry, resubmit) go through Argo Server. */
  argoServer?: ArgoServerClient;
  /** Pause between watch reconnects after a transient failure. Default 1 s. */
  watchReconnectDelayMs?: number;
  /** Clock for timestamps the engine writes (resume). Default `() => new Date()`. */
  clock?: () => Date;
  /** Install ClusterWorkflowTemplates (a deployment's choice: they are cluster-wide). Default false. */
  clusterTemplates?: boolean;
}

const TERMINAL = new Set(["Succeeded", "Failed", "Error"]);
const MAX_CONFLICT_RETRIES = 5;

export function isCompleted(wf: Workflow): boolean {
  return TERMINAL.has(wf.status?.phase ?? "") || wf.metadata.labels?.[LABEL_COMPLETED] === "true";
}

/** The `Engine` port on Argo Workflows through the Kubernetes API (and optionally Argo Server). */
export class ArgoEngine implements Engine {
  readonly kind = "argo" as const;
  readonly namespace: string;
  private readonly templates: ArgoTemplates;
  private readonly options: Required<
    Omit<ArgoEngineOptions, "instanceId" | "argoServer" | "retry" | "clusterTemplates">
  > &
    Pick<ArgoEngineOptions, "instanceId" | "argoServer"> & { retry: RetryPolicy };

  constructor(
    private readonly transport: WorkflowTransport,
    options: ArgoEngineOptions = {},
  ) {
    const merged = {
      namespace: "default",
      watchReconnectDelayMs: 1_000,
      clock: () => new Date(),
      ...definedOnly(options),
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    };
    this.options = merged;
    this.namespace = merged.namespace;
    this.templates = new ArgoTemplates(transport, {
      namespace: merged.namespace,
      retry: merged.retry,
      clusterTemplates: options.clusterTemplates ?? false,
    });
  }

  async installTemplate(template: TemplateObject): Promise<TemplateObject> {
    return this.templates.install(template);
  }

  async getTemplate(ref: TemplateObjectRef): Promise<TemplateObject | undefined> {
    return this.templates.get(ref);
  }

  async deleteTemplate(ref: TemplateObjectRef): Promise<boolean> {
    return this.templates.delete(ref);
  }

  async listTemplates(kind: TemplateKind): Promise<TemplateObject[]> {
    return this.templates.list(kind);
  }

  async submit(spec: Workflow, request: SubmitRequest): Promise<Workflow> {
    if (!request.runId) throw new WorkflowRejectedError("submit: runId is required");
    const namespace = request.namespace ?? this.namespace;
    const body = this.prepare(spec, request, namespace);
    return this.createOnce(namespace, body, request.runId);
  }

  async get(ref: WorkflowRef): Promise<Workflow | undefined> {
    const wf = await this.fetch(ref, `get workflow ${ref.namespace}/${ref.name}`);
    if (wf && ref.uid && wf.metadata.uid !== ref.uid) return undefined;
    return wf;
  }

  async list(options: ListOptions = {}): Promise<WorkflowList> {
    const page = await this.retrying(`list workflows in ${this.namespace}`, () =>
      this.transport.list(this.namespace, options),
    );
    return { items: page.items, continue: page.continue };
  }

  async stop(ref: WorkflowRef, message?: string): Promise<Workflow> {
    if (this.options.argoServer)
      return this.options.argoServer.action(ref, "stop", message ? { message } : {});
    return this.shutdown(ref, "Stop", message);
  }

  async terminate(ref: WorkflowRef): Promise<Workflow> {
    if (this.options.argoServer) return this.options.argoServer.action(ref, "terminate", {});
    return this.shutdown(ref, "Terminate");
  }

  async suspend(ref: WorkflowRef): Promise<Workflow> {
    if (this.options.argoServer) return this.options.argoServer.action(ref, "suspend", {});
    const wf = await this.require(ref);
    if (isCompleted(wf))
      throw new WorkflowConflictError(`cannot suspend completed workflows (${describe(ref)})`);
    return this.retrying(`suspend ${describe(ref)}`, () =>
      this.transport.mergePatch(ref.namespace, ref.name, { spec: { suspend: true } }),
    );
  }

  async resume(
    ref: WorkflowRef,
    nodeFieldSelector?: string,
    outputs: Record<string, string> = {},
  ): Promise<Workflow> {
    const setting = Object.keys(outputs).length > 0;
    if (this.options.argoServer) {
      // Argo's own two steps: `node set` the outputs (it needs a selector; every active suspend node otherwise),
      // then resume.
      if (setting) {
        await this.options.argoServer.action(ref, "set", {
          nodeFieldSelector: nodeFieldSelector ?? "phase=Running",
          outputParameters: JSON.stringify(outputs),
        });
      }
      return this.options.argoServer.action(ref, "resume", nodeFieldSelector ? { nodeFieldSelector } : {});
    }
    const requirements = nodeFieldSelector ? parseNodeFieldSelector(nodeFieldSelector) : [];
    return this.updateWithConflictRetry(ref, `resume ${describe(ref)}`, (wf) => {
      if (isCompleted(wf))
        throw new WorkflowConflictError(`cannot resume completed workflows (${describe(ref)})`);
      if (!nodeFieldSelector) wf.spec.suspend = undefined;
      const now = argoTime(this.options.clock());
      for (const node of Object.values(wf.status?.nodes ?? {})) {
        if (node.type !== "Suspend" || node.phase !== "Running") continue;
        if (requirements.length && !nodeMatches(node, requirements)) continue;
        if (setting) setSuppliedOutputs(node, wf, outputs);
        resumeNode(node, wf, now);
      }
      return wf;
    });
  }

  async retry(ref: WorkflowRef, options: RetryOptions = {}): Promise<Workflow> {
    if (this.options.argoServer) {
      return this.options.argoServer.action(ref, "retry", {
        restartSuccessful: options.restartSuccessful ?? false,
        nodeFieldSelector: options.nodeFieldSelector ?? "",
        ...(options.parameters ? { parameters: toParameterArgs(options.parameters) } : {}),
      });
    }
    for (let attempt = 1; ; attempt++) {
      const wf = await this.require(ref);
      const plan = formulateRetry(wf, { ...options, now: this.options.clock() });
      for (const pod of plan.podsToDelete) await this.deletePod(ref.namespace, pod);
      try {
        return await this.retrying(`retry ${describe(ref)}`, () =>
          this.transport.replace(ref.namespace, ref.name, plan.workflow),
        );
      } catch (error) {
        if (!(error instanceof WorkflowConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
      }
    }
  }

  async resubmit(ref: WorkflowRef, options: ResubmitOptions): Promise<Workflow> {
    if (!options.runId) throw new WorkflowRejectedError("resubmit: runId (of the new run) is required");
    if (this.options.argoServer) {
      const existing = await this.findByRunId(ref.namespace, options.runId);
      if (existing) return existing;
      const created = await this.options.argoServer.resubmit(ref, options);
      const labels: Record<string, string> = { [LABEL_RUN_ID]: options.runId };
      return this.retrying(`label ${created.metadata.name} with run ${options.runId}`, () =>
        this.transport.mergePatch(ref.namespace, created.metadata.name ?? "", { metadata: { labels } }),
      );
    }
    const original = await this.require(ref);
    const labels: Record<string, string> = { [LABEL_RUN_ID]: options.runId };
    if (this.options.instanceId) labels[LABEL_CONTROLLER_INSTANCE_ID] = this.options.instanceId;
    const next = formulateResubmit(original, {
      memoized: options.memoized,
      parameters: options.parameters,
      labels,
      now: this.options.clock(),
    });
    return this.createOnce(ref.namespace, next, options.runId);
  }

  async *logs(ref: WorkflowRef, options: LogOptions = {}): AsyncIterable<LogLine> {
    const wf = await this.require(ref);
    const nodes = wf.status?.nodes ?? {};
    const selected = options.nodeId
      ? podNodesUnder(options.nodeId, nodes)
      : Object.values(nodes).filter(isPodNode);
    if (options.nodeId && !nodes[options.nodeId]) {
      throw new WorkflowNotFoundError(`logs: ${describe(ref)} has no node ${options.nodeId}`);
    }
    selected.sort((a, b) => String(a.startedAt ?? "").localeCompare(String(b.startedAt ?? "")));
    for (const node of selected) {
      if (options.signal?.aborted) return;
      const pod = podNameFor(wf, node);
      const follow = options.follow === true && !TERMINAL.has(node.phase ?? "") && node.phase !== "Skipped";
      try {
        for await (const raw of this.transport.podLog(ref.namespace, pod, {
          container: "main",
          follow,
          ...(options.tailLines !== undefined && !follow ? { tailLines: options.tailLines } : {}),
          signal: options.signal,
        })) {
          yield parseLogLine(raw, node.id, pod);
        }
      } catch (error) {
        // A pod that is gone (garbage-collected) or not created yet has no logs to show.
        if (error instanceof HttpStatusError && (error.status === 404 || error.status === 400)) continue;
        throw toEngineError(error, `logs of ${pod}`);
      }
    }
  }

  /**
   * Lists (every page) and emits each existing workflow as ADDED, then watches from the list's
   * resourceVersion, tracking the version of every event (bookmarks included). A watch the server
   * closes is reopened from the last version; 410 Gone (version compacted away) relists and emits
   * only what changed meanwhile (MODIFIED/DELETED). Ends when `signal` aborts.
   */
  async *watch(options: WatchOptions = {}): AsyncIterable<WatchEvent> {
    const known = new Map<string, Workflow>();
    const key = (wf: Workflow) => wf.metadata.uid ?? `${wf.metadata.namespace}/${wf.metadata.name}`;
    let resourceVersion: string | undefined;
    let needList = true;
    while (!options.signal?.aborted) {
      try {
        if (needList) {
          const { items, resourceVersion: listVersion } = await this.listAll(options.labelSelector);
          const seen = new Set<string>();
          for (const wf of items) {
            const id = key(wf);
            seen.add(id);
            const before = known.get(id);
            known.set(id, wf);
            if (!before) yield { type: "ADDED", object: wf };
            else if (before.metadata.resourceVersion !== wf.metadata.resourceVersion)
              yield { type: "MODIFIED", object: wf };
          }
          for (const [id, wf] of known) {
            if (!seen.has(id)) {
              known.delete(id);
              yield { type: "DELETED", object: wf };
            }
          }
          resourceVersion = listVersion;
          needList = false;
        }
        for await (const event of this.transport.watch(this.namespace, {
          labelSelector: options.labelSelector,
          resourceVersion,
          signal: options.signal,
        })) {
          resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
          if (event.type === "BOOKMARK") continue;
          if (event.type === "DELETED") known.delete(key(event.object));
          else known.set(key(event.object), event.object);
          yield { type: event.type, object: event.object };
        }
      } catch (error) {
        if (options.signal?.aborted) return;
        if (error instanceof WatchExpiredError) {
          needList = true;
          continue;
        }
        const typed = toEngineError(error, `watch workflows in ${this.namespace}`);
        if (!(typed instanceof EngineUnavailableError)) throw typed;
        await sleep(this.options.watchReconnectDelayMs, options.signal);
      }
    }
  }

  /** Lists every page (used by watch and by sweeps). */
  async listAll(labelSelector?: string): Promise<{ items: Workflow[]; resourceVersion?: string }> {
    const items: Workflow[] = [];
    let token: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const page = await this.retrying(`list workflows in ${this.namespace}`, () =>
        this.transport.list(this.namespace, { labelSelector, limit: 500, continue: token }),
      );
      items.push(...page.items);
      token = page.continue;
      resourceVersion ??= page.resourceVersion;
    } while (token);
    return { items, resourceVersion };
  }

  // --- internals -------------------------------------------------------------------------------

  private prepare(spec: Workflow, request: SubmitRequest, namespace: string): Workflow {
    if (!spec?.spec) throw new WorkflowRejectedError("submit: the spec has no spec");
    if (spec.kind && spec.kind !== "Workflow") {
      throw new WorkflowRejectedError(`submit: expected kind Workflow, got ${spec.kind}`);
    }
    const body = structuredClone(spec);
    const meta = body.metadata ?? {};
    const generateName = meta.generateName || (meta.name ? `${meta.name}-` : "skiff-");
    const labels: Record<string, string> = { ...(meta.labels ?? {}), ...(request.labels ?? {}) };
    labels[LABEL_RUN_ID] = request.runId;
    if (this.options.instanceId) labels[LABEL_CONTROLLER_INSTANCE_ID] = this.options.instanceId;
    body.apiVersion = ARGO_API_VERSION;
    body.kind = "Workflow";
    body.metadata = {
      // Named from the run id rather than generated by the server: a second create of the same run, even one
      // racing an in-flight first attempt, is a 409 instead of a duplicate workflow.
      name: nameForRun(generateName, request.runId),
      generateName,
      namespace,
      labels,
      ...(meta.annotations || request.annotations
        ? { annotations: { ...(meta.annotations ?? {}), ...(request.annotations ?? {}) } }
        : {}),
      // Kept as `argo submit` keeps them (and as resubmit carries them on).
      ...(meta.ownerReferences ? { ownerReferences: meta.ownerReferences } : {}),
    };
    delete body.status;
    if (request.parameters && Object.keys(request.parameters).length) {
      const declared = [...(body.spec.arguments?.parameters ?? [])];
      for (const [name, value] of Object.entries(request.parameters)) {
        const existing = declared.find((p) => p.name === name);
        if (existing) existing.value = value;
        else declared.push({ name, value });
      }
      body.spec.arguments = { ...(body.spec.arguments ?? {}), parameters: declared };
    }
    return body;
  }

  /**
   * Creates a workflow exactly once per run id: a create that failed transiently (timeout, 5xx,
   * 429, dropped connection) may still have happened, so before every new attempt the run id is
   * looked up by label and an existing workflow is returned instead of creating a second one.
   */
  private async createOnce(namespace: string, body: Workflow, runId: string): Promise<Workflow> {
    const what = `create workflow for run ${runId} in ${namespace}`;
    try {
      return await withRetries(async (attempt) => {
        if (attempt > 1) {
          const existing = await this.findByRunId(namespace, runId, false);
          if (existing) return existing;
        }
        try {
          return await this.transport.create(namespace, body);
        } catch (error) {
          if (!(error instanceof HttpStatusError && error.status === 409)) throw error;
          const existing = await this.transport.get(namespace, body.metadata.name ?? "");
          if (existing.metadata.labels?.[LABEL_RUN_ID] === runId) return existing;
          // Another run's workflow holds the derived name (a hash collision): let the server pick one.
          const { name: _taken, ...generated } = body.metadata;
          return this.transport.create(namespace, { ...body, metadata: generated });
        }
      }, this.options.retry);
    } catch (error) {
      throw toEngineError(error, what);
    }
  }

  private async findByRunId(namespace: string, runId: string, retry = true): Promise<Workflow | undefined> {
    const query = () =>
      this.transport.list(namespace, { labelSelector: `${LABEL_RUN_ID}=${runId}`, limit: 1 });
    const page = retry ? await this.retrying(`find run ${runId}`, query) : await query();
    return page.items[0];
  }

  private async shutdown(
    ref: WorkflowRef,
    strategy: "Stop" | "Terminate",
    message?: string,
  ): Promise<Workflow> {
    const wf = await this.require(ref);
    if (isCompleted(wf)) {
      throw new WorkflowConflictError(
        `cannot shutdown a completed workflow: workflow: "${ref.name}", namespace: "${ref.namespace}"`,
      );
    }
    const patch: Record<string, unknown> = { spec: { shutdown: strategy } };
    if (message) patch.metadata = { annotations: { "skiff.dev/shutdown-message": message } };
    return this.retrying(`${strategy.toLowerCase()} ${describe(ref)}`, () =>
      this.transport.mergePatch(ref.namespace, ref.name, patch),
    );
  }

  private async updateWithConflictRetry(
    ref: WorkflowRef,
    what: string,
    change: (wf: Workflow) => Workflow,
  ): Promise<Workflow> {
    for (let attempt = 1; ; attempt++) {
      const wf = change(structuredClone(await this.require(ref)));
      try {
        return await this.retrying(what, () => this.transport.replace(ref.namespace, ref.name, wf));
      } catch (error) {
        if (!(error instanceof WorkflowConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
      }
    }
  }

  private async deletePod(namespace: string, pod: string): Promise<void> {
    try {
      await withRetries(() => this.transport.deletePod(namespace, pod), this.options.retry);
    } catch (error) {
      if (error instanceof HttpStatusError && error.status === 404) return;
      throw toEngineError(error, `delete pod ${namespace}/${pod} (retry needs pods delete permission)`);
    }
  }

  private async fetch(ref: WorkflowRef, what: string): Promise<Workflow | undefined> {
    try {
      return await withRetries(() => this.transport.get(ref.namespace, ref.name), this.options.retry);
    } catch (error) {
      if (error instanceof HttpStatusError && error.status === 404) return undefined;
      throw toEngineError(error, what);
    }
  }

  private async require(ref: WorkflowRef): Promise<Workflow> {
    const wf = await this.fetch(ref, `get workflow ${describe(ref)}`);
    if (!wf) throw new WorkflowNotFoundError(`workflow ${describe(ref)} not found`);
    if (ref.uid && wf.metadata.uid !== ref.uid) {
      throw new WorkflowNotFoundError(
        `workflow ${describe(ref)} has uid ${wf.metadata.uid}, not ${ref.uid} (it was deleted and recreated)`,
      );
    }
    return wf;
  }

  private async retrying<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(operation, this.options.retry);
    } catch (error) {
      throw toEngineError(error, what);
    }
  }
}

function describe(ref: WorkflowRef): string {
  return `${ref.namespace}/${ref.name}`;
}

function isPodNode(node: NodeStatus): boolean {
  return node.type === "Pod";
}

/** The node itself when it is a pod, else the pod nodes below it (e.g. a Retry node's attempts). */
function podNodesUnder(id: string, nodes: Record<string, NodeStatus>): NodeStatus[] {
  const out: NodeStatus[] = [];
  const seen = new Set<string>();
  const queue = [id];
  while (queue.length) {
    const next = queue.shift()!;
    if (seen.has(next) || !nodes[next]) continue;
    seen.add(next);
    const node = nodes[next];
    if (isPodNode(node)) out.push(node);
    else if (next === id || node.boundaryID === id || nodes[id].type === "Retry")
      queue.push(...(node.children ?? []));
  }
  return out;
}

/** `2024-05-01T10:00:00.123456789Z text` (kubelet's `timestamps=true` format) → LogLine. */
export function parseLogLine(raw: string, nodeId: string, podName: string): LogLine {
  const space = raw.indexOf(" ");
  const stamp = space > 0 ? raw.slice(0, space) : "";
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(stamp)) {
    return { nodeId, podName, time: stamp, stream: "stdout", text: raw.slice(space + 1) };
  }
  return { nodeId, podName, time: new Date().toISOString(), stream: "stdout", text: raw };
}

/**
 * Argo's `node set -p` on one suspend node: each value goes to the output parameter of that name, which must be
 * a supplied (`valueFrom.supplied`) one not set yet; a global name also sets the workflow's output.
 */
function setSuppliedOutputs(node: NodeStatus, wf: Workflow, outputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(outputs)) {
    const param = node.outputs?.parameters?.find((p) => p.name === name);
    if (!param) throw new WorkflowConflictError(`the suspend step takes no output parameter '${name}'`);
    if (!param.valueFrom?.supplied || param.value !== undefined) {
      throw new WorkflowConflictError(
        `output parameter '${name}' is not one supplied on resume (valueFrom.supplied), or it is set already`,
      );
    }
    param.value = value;
    param.valueFrom = undefined;
    if (param.globalName) {
      const status = wf.status ?? {};
      const globals = status.outputs?.parameters ?? [];
      const existing = globals.find((g) => g.name === param.globalName);
      if (existing) existing.value = value;
      else globals.push({ name: param.globalName, value });
      status.outputs = { ...status.outputs, parameters: globals };
      wf.status = status;
    }
  }
}

/** Argo's resume of one suspend node: Succeeded now, supplied outputs take their defaults. */
function resumeNode(node: NodeStatus, wf: Workflow, now: string): void {
  const template = wf.spec.templates?.find((t) => t.name === node.templateName);
  for (const param of node.outputs?.parameters ?? []) {
    if (!param.valueFrom?.supplied || param.value !== undefined) continue;
    const fallback =
      param.valueFrom.default ?? template?.inputs?.parameters?.find((p) => p.name === param.name)?.default;
    if (fallback === undefined) {
      throw new WorkflowRejectedError(
        `raw output parameter '${param.name}' has not been set and does not have a default value`,
      );
    }
    param.value = fallback;
  }
  node.phase = "Succeeded";
  node.finishedAt = now;
  node.message = "Resumed by: skiff";
}

function toParameterArgs(parameters: Record<string, string>): string[] {
  return Object.entries(parameters).map(([k, v]) => `${k}=${v}`);
}

/** Waits `ms`, or less when `signal` aborts (an abort ends the wait, it is not an error). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}

/** Drops undefined fields so they do not override defaults in `{ ...defaults, ...opts }`. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `<generateName><base-36 FNV-1a of the run id>`: stable per run, DNS-1123 like a server-generated name. */
export function nameForRun(generateName: string, runId: string): string {
  return `${generateName}${fnv32a(runId).toString(36)}`;
}

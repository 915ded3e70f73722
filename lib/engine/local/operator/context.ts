import { join } from "node:path";
import type { Arguments, NodeStatus, Template, TemplateRef, Workflow } from "../../../argo";
import { podName } from "../../../argo/node-ids";
import { mergeTemplateDefaults } from "../../../argo/template-defaults";
import { parseStoredTemplateKey, refScope, type TemplateScope } from "../../../argo/template-scope";
import type { ArtifactStore } from "../artifacts/store";
import type { StepLauncher } from "../launcher";
import { LogBook } from "../logs";
import { NodeTable } from "../nodes";
import type { ResolvedOptions } from "../options";
import { type LockManager, Semaphore } from "../semaphore";
import { StepDirPool } from "../step-dirs";
import { ExecutionControl } from "./control";
import { WorkflowGlobals } from "./globals";
import { LifecycleHooks } from "./hooks";
import { executeTemplate } from "./invoke";
import { SuspendNodes } from "./suspend-node";

/** Facilities the engine shares between its workflow executions. */
export interface RunEnvironment {
  options: ResolvedOptions;
  locks: LockManager;
  slots: Semaphore;
  /** Starts the step processes. */
  launcher: StepLauncher;
  /** Image shim directories written so far. */
  shimDirs: Map<string, Promise<string>>;
}

/** One template invocation: which node to make, from which template, with which arguments. */
export interface ExecRequest {
  nodeName: string;
  templateName?: string;
  /** A template of a WorkflowTemplate, run in that WorkflowTemplate's scope (instead of `templateName`). */
  templateRef?: TemplateRef;
  /** The scope the caller was resolved in (where `templateName` is looked up); the workflow's when absent. */
  scope?: TemplateScope;
  inline?: Template;
  args?: Arguments;
  boundaryId?: string;
  /** Part of an exit handler: keeps running through Stop and past the deadline. */
  onExit: boolean;
  hooked?: boolean;
  /** Capture stdout as outputs.result (the caller references it). */
  captureResult: boolean;
}

/** What one attempt of a template (a child of a Retry node, or the only one) is run with. */
export interface AttemptExtras {
  retries?: number;
  retried?: boolean;
  /** Deadline (epoch ms) imposed by retryStrategy.maxDuration. */
  maxDeadline?: number;
}

/** A node being run from its template (substituted with its inputs): what every runner of a node type is given. */
export interface Invocation {
  node: NodeStatus;
  tmpl: Template;
  /** The variables the template was substituted with (its children's are substituted with them too). */
  vars: Record<string, string>;
  req: ExecRequest;
  extras: AttemptExtras;
}

/**
 * What the parts of one workflow execution share: the workflow, its node table, logs, globals, control and hooks,
 * and `execute`, through which a steps or DAG template runs its children.
 */
export class RunContext {
  readonly table: NodeTable;
  readonly logs: LogBook;
  readonly dir: string;
  readonly control: ExecutionControl;
  readonly globals = new WorkflowGlobals();
  readonly hooks: LifecycleHooks;
  readonly suspends: SuspendNodes;
  /** The workflow's own templates (its `local/<name>` scope). */
  readonly templates: ReadonlyMap<string, Template>;
  /** Templates of referenced (Cluster)WorkflowTemplates, by scope: `status.storedTemplates`, stored at submit. */
  private readonly referenced = new Map<TemplateScope, Map<string, Template>>();
  readonly stepDirs: StepDirPool;
  /** `spec.parallelism`: how many pods of this workflow run at once. */
  readonly parallelism: Semaphore | undefined;
  readonly shimRoot: string;
  /** The engine process's environment when the execution started, the base of every step's environment. */
  readonly hostEnv: Readonly<Record<string, string>> = hostEnvironment();
  private readonly podNames = new Map<string, string>();
  /**
   * Nodes whose template could not be executed, with the error: what Argo's executeTemplate returns as an error
   * (bad inputs, a suspend node that cannot resume, a runner that threw) rather than a node that merely failed.
   * The caller words it into its own node (steps, DAG) or the workflow's message (entrypoint, exit handler).
   */
  readonly templateErrors = new WeakMap<NodeStatus, string>();

  constructor(
    readonly wf: Workflow,
    readonly env: RunEnvironment,
    readonly notify: () => void,
  ) {
    wf.status ??= {};
    wf.status.nodes ??= {};
    this.table = new NodeTable(wf.metadata.name ?? "", wf.status.nodes, () => this.changed());
    // Named by uid as well: two engines on one work directory (parallel `skiff run --local`) may each run a
    // workflow of the same fixed name, and a run must never find (or append to) another's files.
    const runDir = `${wf.metadata.name ?? ""}-${wf.metadata.uid ?? "0"}`;
    this.dir = join(env.options.workDir, wf.metadata.namespace ?? "default", runDir);
    this.logs = new LogBook(join(this.dir, "logs"));
    this.stepDirs = new StepDirPool(this.dir);
    this.control = new ExecutionControl(env.options.killGraceMs);
    this.parallelism = wf.spec.parallelism ? new Semaphore(wf.spec.parallelism) : undefined;
    // Merged once: Argo merges templateDefaults into a template every time it resolves it, always alike.
    const defaults = wf.spec.templateDefaults;
    this.templates = new Map(
      (wf.spec.templates ?? []).map((t) => [t.name ?? "", mergeTemplateDefaults(defaults, t)]),
    );
    for (const [key, t] of Object.entries(wf.status.storedTemplates ?? {})) {
      const at = parseStoredTemplateKey(key);
      if (!at) continue;
      const scope = this.referenced.get(at.scope) ?? new Map<string, Template>();
      this.referenced.set(at.scope, scope);
      scope.set(at.template, mergeTemplateDefaults(defaults, t));
    }
    this.shimRoot = join(env.options.workDir, ".shims");
    this.hooks = new LifecycleHooks(this);
    this.suspends = new SuspendNodes(this);
  }

  get name(): string {
    return this.wf.metadata.name ?? "";
  }

  get runId(): string {
    return this.wf.metadata.labels?.["skiff.dev/run-id"] ?? this.name;
  }

  get artifacts(): ArtifactStore | undefined {
    return this.env.options.artifacts;
  }

  /** Executes a template invocation as node `req.nodeName`; resolves with the node once it is fulfilled. */
  execute(req: ExecRequest): Promise<NodeStatus> {
    return executeTemplate(this, req);
  }

  /**
   * The template a holder names from `scope` (templateresolution's ResolveTemplate): a templateRef's template from
   * its WorkflowTemplate, a plain name from the scope itself. Undefined when there is none.
   */
  lookup(
    scope: TemplateScope | undefined,
    name: string | undefined,
    ref?: TemplateRef,
  ): Template | undefined {
    if (ref) return this.referenced.get(refScope(ref))?.get(ref.template ?? "");
    if (name === undefined) return undefined;
    return scope === undefined || scope.startsWith("local/")
      ? this.templates.get(name)
      : this.referenced.get(scope)?.get(name);
  }

  /** The template a node was made from (its recorded scope and name or templateRef). */
  templateOf(n: NodeStatus): Template | undefined {
    return this.lookup(n.templateScope as TemplateScope | undefined, n.templateName, n.templateRef);
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

  private changed(): void {
    this.notify();
    if (this.wf.status?.phase === "Running") this.hooks.evaluateWorkflowHooks();
  }
}

/** How a node names the template it was made from: the caller's scope and the name or templateRef. */
export function holderFields(req: Pick<ExecRequest, "scope" | "templateName" | "templateRef">): {
  templateName?: string;
  templateRef?: ExecRequest["templateRef"];
  templateScope?: string;
} {
  return {
    ...(req.templateRef ? { templateRef: req.templateRef } : { templateName: req.templateName }),
    ...(req.scope ? { templateScope: req.scope } : {}),
  };
}

/** The scope the invoked template runs in, where its own steps' and tasks' templates are looked up. */
export function innerScope(req: Pick<ExecRequest, "scope" | "templateRef">): TemplateScope | undefined {
  return req.templateRef ? refScope(req.templateRef) : req.scope;
}

function hostEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}

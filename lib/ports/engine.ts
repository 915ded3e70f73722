import type { ClusterWorkflowTemplate, Workflow, WorkflowTemplate } from "../argo";

/** The `Engine` port (ARCHITECTURE.md, "Ports and their adapters"). Both engines speak Argo's exact status format. */
export type EngineKind = "local" | "argo";

/** Identifies one engine workflow. */
export interface WorkflowRef {
  namespace: string;
  name: string;
  /** When set, operations fail if the workflow with that name has another uid. */
  uid?: string;
}

export interface SubmitRequest {
  /** Skiff's run id; becomes the `skiff.dev/run-id` label. */
  runId: string;
  /** Values for `spec.arguments.parameters`; never spliced into the spec text. */
  parameters?: Record<string, string>;
  /** Extra labels (pipeline, version, ...). */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Defaults to the engine's configured namespace. */
  namespace?: string;
}

export interface ListOptions {
  /** Kubernetes label selector syntax, e.g. `skiff.dev/run-id=abc,workflows.argoproj.io/completed=true`. */
  labelSelector?: string;
  limit?: number;
  /** Continue token from a previous page. */
  continue?: string;
}

export interface WorkflowList {
  items: Workflow[];
  continue?: string;
}

export interface RetryOptions {
  /** Argo's `--node-field-selector`: which failed nodes to reset. */
  nodeFieldSelector?: string;
  /** Also re-run successful nodes matched by the selector (Argo's `restartSuccessful`). */
  restartSuccessful?: boolean;
  /** Override workflow parameters on retry. */
  parameters?: Record<string, string>;
}

export interface ResubmitOptions {
  /** The new run's id (resubmit creates a new workflow, hence a new run). */
  runId: string;
  parameters?: Record<string, string>;
  /** Reuse successful steps' outputs (Argo's `--memoized`). */
  memoized?: boolean;
}

export interface LogLine {
  /** Node id of the step. */
  nodeId: string;
  /** Argo's pod name for that node (v2 naming). */
  podName?: string;
  /** RFC 3339 timestamp. */
  time: string;
  stream: "stdout" | "stderr";
  text: string;
}

export interface LogOptions {
  /** Only this node's logs; all pods of the workflow otherwise. */
  nodeId?: string;
  /** Keep streaming until the step (or workflow) finishes. */
  follow?: boolean;
  /** Only the last n lines of each step (Kubernetes' `tailLines`); not with `follow`. */
  tailLines?: number;
  signal?: AbortSignal;
}

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: Workflow;
}

export interface WatchOptions {
  labelSelector?: string;
  signal?: AbortSignal;
}

/** The shared-template kinds an engine installs (docs/templates.md). */
export type TemplateKind = "WorkflowTemplate" | "ClusterWorkflowTemplate";

/** Identifies one installed template. */
export interface TemplateObjectRef {
  kind: TemplateKind;
  name: string;
  /** A WorkflowTemplate's namespace; defaults to the engine's. Not used for a ClusterWorkflowTemplate. */
  namespace?: string;
}

export interface Engine {
  readonly kind: EngineKind;
  /** Creates the workflow; returns it as stored (name, uid, labels set). */
  submit(spec: Workflow, request: SubmitRequest): Promise<Workflow>;
  /** The workflow with its status, or undefined when it does not exist (any more). */
  get(ref: WorkflowRef): Promise<Workflow | undefined>;
  list(options?: ListOptions): Promise<WorkflowList>;
  /** Argo's stop: running steps are stopped, exit handlers still run. */
  stop(ref: WorkflowRef, message?: string): Promise<Workflow>;
  /** Argo's terminate: everything stops, exit handlers are skipped. */
  terminate(ref: WorkflowRef): Promise<Workflow>;
  suspend(ref: WorkflowRef): Promise<Workflow>;
  /**
   * Argo's resume: the active suspend nodes the selector matches (all when absent; then also a workflow
   * suspended as a whole). `outputs` first sets supplied output parameters of those nodes, as `argo node set -p`
   * does; the rest take their defaults.
   */
  resume(ref: WorkflowRef, nodeFieldSelector?: string, outputs?: Record<string, string>): Promise<Workflow>;
  retry(ref: WorkflowRef, options?: RetryOptions): Promise<Workflow>;
  resubmit(ref: WorkflowRef, options: ResubmitOptions): Promise<Workflow>;
  logs(ref: WorkflowRef, options?: LogOptions): AsyncIterable<LogLine>;
  /** Emits the workflow after every change (the change feed). */
  watch(options?: WatchOptions): AsyncIterable<WatchEvent>;
  /**
   * Creates or replaces a WorkflowTemplate (in its namespace, the engine's by default) or a ClusterWorkflowTemplate
   * (refused unless the deployment enables cluster templates); returns it as stored. `templateRef` and
   * `workflowTemplateRef` of later workflows resolve against what is installed.
   */
  installTemplate(
    template: WorkflowTemplate | ClusterWorkflowTemplate,
  ): Promise<WorkflowTemplate | ClusterWorkflowTemplate>;
  /** The installed template, or undefined. */
  getTemplate(ref: TemplateObjectRef): Promise<WorkflowTemplate | ClusterWorkflowTemplate | undefined>;
  /**
   * Every installed template of a kind, by name: the WorkflowTemplates of the engine's namespace, or the
   * ClusterWorkflowTemplates (refused unless the deployment enables them).
   */
  listTemplates(kind: TemplateKind): Promise<Array<WorkflowTemplate | ClusterWorkflowTemplate>>;
  /** Removes an installed template; false when there was none. */
  deleteTemplate(ref: TemplateObjectRef): Promise<boolean>;
}

import type { ClusterWorkflowTemplate, Workflow, WorkflowTemplate } from "../../argo";
import type { TemplateKind } from "../../ports/engine";

/** One page of workflows plus the list's resourceVersion (where a watch starts). */
export interface WorkflowPage {
  items: Workflow[];
  continue?: string;
  resourceVersion?: string;
}

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface RawWatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";
  object: Workflow;
}

export interface PodLogQuery {
  container: string;
  follow?: boolean;
  /** Only the last n lines (kubelet's `tailLines`). */
  tailLines?: number;
  signal?: AbortSignal;
}

/**
 * The few Kubernetes API calls the Argo engine makes. Errors are thrown as they come
 * (`HttpStatusError`, `RequestTimeoutError`, network errors); the engine retries and types them.
 */
export interface WorkflowTransport extends TemplateTransport {
  create(namespace: string, workflow: Workflow): Promise<Workflow>;
  /** Throws `HttpStatusError` 404 when absent. */
  get(namespace: string, name: string): Promise<Workflow>;
  list(namespace: string, query: ListQuery): Promise<WorkflowPage>;
  /** `application/merge-patch+json`. */
  mergePatch(namespace: string, name: string, patch: unknown): Promise<Workflow>;
  /** Full PUT; carries `metadata.resourceVersion`, so a concurrent write yields 409. */
  replace(namespace: string, name: string, workflow: Workflow): Promise<Workflow>;
  deletePod(namespace: string, name: string): Promise<void>;
  /** Lines of the pod's container log with RFC 3339 timestamps (`timestamps=true`). */
  podLog(namespace: string, pod: string, query: PodLogQuery): AsyncIterable<string>;
  /** Watch from `resourceVersion`; throws `WatchExpiredError` on 410 Gone. Ends when the server closes. */
  watch(
    namespace: string,
    query: { labelSelector?: string; resourceVersion?: string; signal?: AbortSignal },
  ): AsyncIterable<RawWatchEvent>;
}

/** A WorkflowTemplate or ClusterWorkflowTemplate as the API server stores it. */
export type TemplateObject = WorkflowTemplate | ClusterWorkflowTemplate;

/**
 * The template calls: `workflowtemplates` in a namespace, or `clusterworkflowtemplates` (cluster-wide; the
 * namespace is then ignored). Errors as for workflows (404 when absent, 409 on a stale resourceVersion).
 */
export interface TemplateTransport {
  getTemplate(kind: TemplateKind, namespace: string, name: string): Promise<TemplateObject>;
  createTemplate(kind: TemplateKind, namespace: string, body: TemplateObject): Promise<TemplateObject>;
  /** Full PUT carrying `metadata.resourceVersion`. */
  replaceTemplate(
    kind: TemplateKind,
    namespace: string,
    name: string,
    body: TemplateObject,
  ): Promise<TemplateObject>;
  deleteTemplate(kind: TemplateKind, namespace: string, name: string): Promise<void>;
  /** One page of a kind's templates (`list`), `continue` set when there are more. */
  listTemplates(
    kind: TemplateKind,
    namespace: string,
    query: { limit?: number; continue?: string },
  ): Promise<{ items: TemplateObject[]; continue?: string }>;
}

/** The watch's resourceVersion is too old (410 Gone): the caller must relist. */
export class WatchExpiredError extends Error {
  constructor(message = "watch resourceVersion expired (410 Gone)") {
    super(message);
    this.name = "WatchExpiredError";
  }
}

import { ARGO_API_VERSION } from "../../argo";
import type { TemplateKind, TemplateObjectRef } from "../../ports/engine";
import { WorkflowRejectedError } from "../../ports/engine-errors";
import { HttpStatusError, type RetryPolicy, toEngineError, withRetries } from "./http-retry";
import type { TemplateObject, TemplateTransport } from "./transport";

const MAX_CONFLICT_RETRIES = 5;
/** Templates per list request. */
const LIST_PAGE = 500;

/**
 * WorkflowTemplates and ClusterWorkflowTemplates on the cluster, created or updated through the Kubernetes API;
 * Argo's controller then resolves `templateRef` and `workflowTemplateRef` against them itself.
 */
export class ArgoTemplates {
  constructor(
    private readonly transport: TemplateTransport,
    private readonly options: { namespace: string; retry: RetryPolicy; clusterTemplates: boolean },
  ) {}

  /** Creates it, or replaces the one of that name (a write racing ours is re-read and retried). */
  async install(template: TemplateObject): Promise<TemplateObject> {
    const kind = kindOf(template);
    const name = template.metadata?.name;
    if (!name) throw new WorkflowRejectedError(`a ${kind} needs metadata.name`);
    const namespace = this.namespaceOf(kind, template.metadata?.namespace);
    const body = structuredClone(template);
    body.apiVersion = ARGO_API_VERSION;
    body.kind = kind as never;
    body.metadata = {
      name,
      ...(kind === "WorkflowTemplate" ? { namespace } : {}),
      ...(template.metadata?.labels ? { labels: template.metadata.labels } : {}),
      ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
    };
    const what = `install ${kind} ${name}`;
    try {
      for (let attempt = 1; ; attempt++) {
        const existing = await this.read(kind, namespace, name);
        try {
          return await withRetries(
            () =>
              existing
                ? this.transport.replaceTemplate(kind, namespace, name, {
                    ...body,
                    metadata: { ...body.metadata, resourceVersion: existing.metadata.resourceVersion },
                  })
                : this.transport.createTemplate(kind, namespace, body),
            this.options.retry,
          );
        } catch (error) {
          // 409: created or changed by someone else since we read it: read again.
          if (!(error instanceof HttpStatusError && error.status === 409) || attempt >= MAX_CONFLICT_RETRIES)
            throw error;
        }
      }
    } catch (error) {
      throw toEngineError(error, what);
    }
  }

  async get(ref: TemplateObjectRef): Promise<TemplateObject | undefined> {
    const namespace = this.namespaceOf(ref.kind, ref.namespace);
    try {
      return await this.read(ref.kind, namespace, ref.name);
    } catch (error) {
      throw toEngineError(error, `get ${ref.kind} ${ref.name}`);
    }
  }

  async delete(ref: TemplateObjectRef): Promise<boolean> {
    const namespace = this.namespaceOf(ref.kind, ref.namespace);
    try {
      await withRetries(
        () => this.transport.deleteTemplate(ref.kind, namespace, ref.name),
        this.options.retry,
      );
      return true;
    } catch (error) {
      if (error instanceof HttpStatusError && error.status === 404) return false;
      throw toEngineError(error, `delete ${ref.kind} ${ref.name}`);
    }
  }

  /** Every template of a kind, page by page, by name. */
  async list(kind: TemplateKind): Promise<TemplateObject[]> {
    const namespace = this.namespaceOf(kind, undefined);
    const items: TemplateObject[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await withRetries(
          () => this.transport.listTemplates(kind, namespace, { limit: LIST_PAGE, continue: token }),
          this.options.retry,
        );
        items.push(...page.items);
        token = page.continue;
      } while (token);
    } catch (error) {
      throw toEngineError(error, `list ${kind}s`);
    }
    return items.sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
  }

  private async read(
    kind: TemplateKind,
    namespace: string,
    name: string,
  ): Promise<TemplateObject | undefined> {
    try {
      return await withRetries(() => this.transport.getTemplate(kind, namespace, name), this.options.retry);
    } catch (error) {
      if (error instanceof HttpStatusError && error.status === 404) return undefined;
      throw error;
    }
  }

  private namespaceOf(kind: TemplateKind, namespace: string | undefined): string {
    if (kind === "ClusterWorkflowTemplate" && !this.options.clusterTemplates) {
      throw new WorkflowRejectedError(
        "ClusterWorkflowTemplates are not enabled on this deployment (SKIFF_CLUSTER_TEMPLATES)",
      );
    }
    return namespace ?? this.options.namespace;
  }
}

function kindOf(template: TemplateObject): TemplateKind {
  const kind = template.kind ?? "WorkflowTemplate";
  if (kind !== "WorkflowTemplate" && kind !== "ClusterWorkflowTemplate") {
    throw new WorkflowRejectedError(
      `kind ${String(kind)} is not a WorkflowTemplate or ClusterWorkflowTemplate`,
    );
  }
  return kind;
}

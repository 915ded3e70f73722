import type { Workflow } from "../../argo";
import type { TemplateKind } from "../../ports/engine";
import type {
  ListQuery,
  PodLogQuery,
  RawWatchEvent,
  TemplateObject,
  WorkflowPage,
  WorkflowTransport,
} from "./transport";

/**
 * A transport whose connection is made on first use (EKS needs an async DescribeCluster), then
 * reused for the life of the process. A failed connection attempt is forgotten, so the next call retries.
 */
export class DeferredTransport implements WorkflowTransport {
  private pending?: Promise<WorkflowTransport>;

  constructor(private readonly connect: () => Promise<WorkflowTransport>) {}

  private resolve(): Promise<WorkflowTransport> {
    if (!this.pending) {
      this.pending = this.connect();
      this.pending.catch(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  async create(namespace: string, workflow: Workflow) {
    return (await this.resolve()).create(namespace, workflow);
  }
  async get(namespace: string, name: string) {
    return (await this.resolve()).get(namespace, name);
  }
  async list(namespace: string, query: ListQuery): Promise<WorkflowPage> {
    return (await this.resolve()).list(namespace, query);
  }
  async mergePatch(namespace: string, name: string, patch: unknown) {
    return (await this.resolve()).mergePatch(namespace, name, patch);
  }
  async replace(namespace: string, name: string, workflow: Workflow) {
    return (await this.resolve()).replace(namespace, name, workflow);
  }
  async getTemplate(kind: TemplateKind, namespace: string, name: string) {
    return (await this.resolve()).getTemplate(kind, namespace, name);
  }
  async createTemplate(kind: TemplateKind, namespace: string, body: TemplateObject) {
    return (await this.resolve()).createTemplate(kind, namespace, body);
  }
  async replaceTemplate(kind: TemplateKind, namespace: string, name: string, body: TemplateObject) {
    return (await this.resolve()).replaceTemplate(kind, namespace, name, body);
  }
  async deleteTemplate(kind: TemplateKind, namespace: string, name: string) {
    return (await this.resolve()).deleteTemplate(kind, namespace, name);
  }
  async listTemplates(kind: TemplateKind, namespace: string, query: { limit?: number; continue?: string }) {
    return (await this.resolve()).listTemplates(kind, namespace, query);
  }
  async deletePod(namespace: string, name: string) {
    return (await this.resolve()).deletePod(namespace, name);
  }
  async *podLog(namespace: string, pod: string, query: PodLogQuery): AsyncIterable<string> {
    yield* (await this.resolve()).podLog(namespace, pod, query);
  }
  async *watch(
    namespace: string,
    query: { labelSelector?: string; resourceVersion?: string; signal?: AbortSignal },
  ): AsyncIterable<RawWatchEvent> {
    yield* (await this.resolve()).watch(namespace, query);
  }
}

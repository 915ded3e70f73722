import { PassThrough } from "node:stream";
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  createConfiguration,
  Log,
  type Middleware,
  PatchStrategy,
  ServerConfiguration,
  setHeaderOptions,
  Watch,
} from "@kubernetes/client-node";
import type { Workflow } from "../../argo";
import type { TemplateKind } from "../../ports/engine";
import type { ClusterConnection } from "./cluster";
import { HttpStatusError, RequestTimeoutError } from "./http-retry";
import {
  type ListQuery,
  type PodLogQuery,
  type RawWatchEvent,
  type TemplateObject,
  WatchExpiredError,
  type WorkflowPage,
  type WorkflowTransport,
} from "./transport";

const GROUP = "argoproj.io";
const VERSION = "v1alpha1";
const PLURAL = "workflows";
const TEMPLATE_PLURALS: Readonly<Record<TemplateKind, string>> = {
  WorkflowTemplate: "workflowtemplates",
  ClusterWorkflowTemplate: "clusterworkflowtemplates",
};

export interface KubeTransportOptions {
  /** Per-request time limit (not for watches and followed logs). Default 15 s. */
  requestTimeoutMs?: number;
}

/** `WorkflowTransport` over @kubernetes/client-node: CustomObjectsApi, CoreV1Api, Watch and Log. */
export class KubeTransport implements WorkflowTransport {
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly timeoutMs: number;

  constructor(
    private readonly connection: ClusterConnection,
    options: KubeTransportOptions = {},
  ) {
    this.timeoutMs = options.requestTimeoutMs ?? 15_000;
    const kc = connection.kubeConfig;
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error(`${connection.describe}: no current cluster`);
    const timeout: Middleware = {
      pre: async (context) => {
        context.setSignal(AbortSignal.timeout(this.timeoutMs));
        return context;
      },
      post: async (context) => context,
    };
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kc },
      promiseMiddleware: [timeout],
    });
    this.custom = new CustomObjectsApi(configuration);
    this.core = new CoreV1Api(configuration);
  }

  async create(namespace: string, workflow: Workflow): Promise<Workflow> {
    return this.call(`create workflow in ${namespace}`, () =>
      this.custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURAL,
        body: workflow,
      }),
    );
  }

  async get(namespace: string, name: string): Promise<Workflow> {
    return this.call(`get workflow ${namespace}/${name}`, () =>
      this.custom.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURAL,
        name,
      }),
    );
  }

  async list(namespace: string, query: ListQuery): Promise<WorkflowPage> {
    const list = await this.call<{
      items?: Workflow[];
      metadata?: { continue?: string; resourceVersion?: string };
    }>(`list workflows in ${namespace}`, () =>
      this.custom.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURAL,
        labelSelector: query.labelSelector,
        fieldSelector: query.fieldSelector,
        limit: query.limit,
        _continue: query.continue,
      }),
    );
    return {
      items: list.items ?? [],
      continue: list.metadata?.continue || undefined,
      resourceVersion: list.metadata?.resourceVersion,
    };
  }

  async mergePatch(namespace: string, name: string, patch: unknown): Promise<Workflow> {
    return this.call(`patch workflow ${namespace}/${name}`, () =>
      this.custom.patchNamespacedCustomObject(
        { group: GROUP, version: VERSION, namespace, plural: PLURAL, name, body: patch },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      ),
    );
  }

  async replace(namespace: string, name: string, workflow: Workflow): Promise<Workflow> {
    return this.call(`update workflow ${namespace}/${name}`, () =>
      this.custom.replaceNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURAL,
        name,
        body: workflow,
      }),
    );
  }

  async getTemplate(kind: TemplateKind, namespace: string, name: string): Promise<TemplateObject> {
    const plural = TEMPLATE_PLURALS[kind];
    return this.call(`get ${plural} ${name}`, () =>
      kind === "ClusterWorkflowTemplate"
        ? this.custom.getClusterCustomObject({ group: GROUP, version: VERSION, plural, name })
        : this.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, name }),
    );
  }

  async createTemplate(kind: TemplateKind, namespace: string, body: TemplateObject): Promise<TemplateObject> {
    const plural = TEMPLATE_PLURALS[kind];
    return this.call(`create ${plural} ${body.metadata?.name ?? ""}`, () =>
      kind === "ClusterWorkflowTemplate"
        ? this.custom.createClusterCustomObject({ group: GROUP, version: VERSION, plural, body })
        : this.custom.createNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            namespace,
            plural,
            body,
          }),
    );
  }

  async replaceTemplate(
    kind: TemplateKind,
    namespace: string,
    name: string,
    body: TemplateObject,
  ): Promise<TemplateObject> {
    const plural = TEMPLATE_PLURALS[kind];
    return this.call(`update ${plural} ${name}`, () =>
      kind === "ClusterWorkflowTemplate"
        ? this.custom.replaceClusterCustomObject({ group: GROUP, version: VERSION, plural, name, body })
        : this.custom.replaceNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            namespace,
            plural,
            name,
            body,
          }),
    );
  }

  async deleteTemplate(kind: TemplateKind, namespace: string, name: string): Promise<void> {
    const plural = TEMPLATE_PLURALS[kind];
    await this.call(`delete ${plural} ${name}`, () =>
      kind === "ClusterWorkflowTemplate"
        ? this.custom.deleteClusterCustomObject({ group: GROUP, version: VERSION, plural, name })
        : this.custom.deleteNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            namespace,
            plural,
            name,
          }),
    );
  }

  async listTemplates(
    kind: TemplateKind,
    namespace: string,
    query: { limit?: number; continue?: string },
  ): Promise<{ items: TemplateObject[]; continue?: string }> {
    const plural = TEMPLATE_PLURALS[kind];
    const page = { limit: query.limit, _continue: query.continue };
    const list = await this.call<{ items?: TemplateObject[]; metadata?: { continue?: string } }>(
      `list ${plural}`,
      () =>
        kind === "ClusterWorkflowTemplate"
          ? this.custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural, ...page })
          : this.custom.listNamespacedCustomObject({
              group: GROUP,
              version: VERSION,
              namespace,
              plural,
              ...page,
            }),
    );
    return { items: list.items ?? [], continue: list.metadata?.continue || undefined };
  }

  async deletePod(namespace: string, name: string): Promise<void> {
    await this.call(`delete pod ${namespace}/${name}`, () =>
      this.core.deleteNamespacedPod({ name, namespace }),
    );
  }

  async *podLog(namespace: string, pod: string, query: PodLogQuery): AsyncIterable<string> {
    const sink = new PassThrough();
    const log = new Log(this.connection.kubeConfig);
    let controller: AbortController;
    try {
      controller = await log.log(namespace, pod, query.container, sink, {
        follow: query.follow ?? false,
        timestamps: true,
        ...(query.tailLines !== undefined ? { tailLines: query.tailLines } : {}),
      });
    } catch (error) {
      throw asHttpError(error, `logs of pod ${namespace}/${pod}`);
    }
    const abort = () => {
      controller.abort();
      sink.end();
    };
    query.signal?.addEventListener("abort", abort, { once: true });
    try {
      let buffered = "";
      for await (const chunk of sink) {
        buffered += chunk.toString("utf8");
        let newline = buffered.indexOf("\n");
        while (newline >= 0) {
          yield buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          newline = buffered.indexOf("\n");
        }
      }
      if (buffered) yield buffered;
    } finally {
      query.signal?.removeEventListener("abort", abort);
      controller.abort();
    }
  }

  async *watch(
    namespace: string,
    query: { labelSelector?: string; resourceVersion?: string; signal?: AbortSignal },
  ): AsyncIterable<RawWatchEvent> {
    const queue: Array<RawWatchEvent | { error: unknown } | { done: true }> = [];
    let wake: (() => void) | undefined;
    const push = (item: (typeof queue)[number]) => {
      queue.push(item);
      wake?.();
    };
    const watcher = new Watch(this.connection.kubeConfig);
    const controller = await watcher.watch(
      `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(namespace)}/${PLURAL}`,
      {
        labelSelector: query.labelSelector,
        resourceVersion: query.resourceVersion,
        allowWatchBookmarks: true,
      },
      (type, object) => {
        if (type === "ERROR") {
          const code = (object as { code?: number })?.code;
          push({
            error:
              code === 410
                ? new WatchExpiredError()
                : new HttpStatusError(code ?? 500, "watch error", object),
          });
          return;
        }
        push({ type: type as RawWatchEvent["type"], object: object as Workflow });
      },
      (error) => {
        if (error && (error as { statusCode?: number }).statusCode === 410)
          push({ error: new WatchExpiredError() });
        else if (error && (error as { name?: string }).name !== "AbortError")
          push({ error: asHttpError(error, "watch") });
        push({ done: true });
      },
    );
    const abort = () => push({ done: true });
    query.signal?.addEventListener("abort", abort, { once: true });
    try {
      for (;;) {
        const item = queue.shift();
        if (!item) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
          continue;
        }
        if ("done" in item) return;
        if ("error" in item) throw item.error;
        yield item;
      }
    } finally {
      query.signal?.removeEventListener("abort", abort);
      controller.abort();
    }
  }

  /** Runs one client-node call; on 401 drops cached credentials and tries once more with fresh ones. */
  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const typed = asHttpError(error, what);
      if (typed instanceof HttpStatusError && typed.status === 401) {
        this.connection.invalidateCredentials();
        try {
          return await request();
        } catch (second) {
          throw asHttpError(second, what);
        }
      }
      throw typed;
    }
  }
}

/** client-node's ApiException / AbortError → HttpStatusError / RequestTimeoutError. */
function asHttpError(error: unknown, what: string): unknown {
  if (error instanceof ApiException) {
    const retryAfter = Number(error.headers?.["retry-after"]);
    return new HttpStatusError(
      error.code,
      `${what}: HTTP ${error.code}`,
      error.body,
      Number.isFinite(retryAfter) ? retryAfter : undefined,
    );
  }
  const name = (error as { name?: string })?.name;
  if (name === "AbortError" || name === "TimeoutError") {
    return new RequestTimeoutError(`${what}: no answer in time`, { cause: error });
  }
  return error;
}

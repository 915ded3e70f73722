import type { Workflow } from "../../argo";
import type { ResubmitOptions, WorkflowRef } from "../../ports/engine";
import {
  DEFAULT_RETRY_POLICY,
  HttpStatusError,
  type RetryPolicy,
  toEngineError,
  withRetries,
} from "./http-retry";

export type ArgoServerAction = "stop" | "terminate" | "suspend" | "resume" | "retry" | "set";

export interface ArgoServerOptions {
  /** Base URL, e.g. `https://argo.example.com:2746`. */
  url: string;
  /** Bearer token (`ARGO_TOKEN`, with or without the `Bearer ` prefix). */
  token?: string | (() => Promise<string>);
  /** Per-request time limit. Default 15 s. */
  requestTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Injected fetch (tests). Default global fetch. */
  fetch?: typeof fetch;
}

/**
 * Argo Server's REST API for control actions (`PUT /api/v1/workflows/{ns}/{name}/{action}`),
 * used instead of the engine's own Kubernetes-API implementation when `ARGO_SERVER_URL` is set:
 * the server applies the actions itself (incl. archived and offloaded workflows).
 */
export class ArgoServerClient {
  private readonly options: Required<Omit<ArgoServerOptions, "token" | "retry">> & {
    token?: ArgoServerOptions["token"];
    retry: RetryPolicy;
  };

  constructor(options: ArgoServerOptions) {
    this.options = {
      requestTimeoutMs: 15_000,
      fetch: globalThis.fetch,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
      url: options.url.replace(/\/+$/, ""),
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    };
  }

  /** One of Argo's workflow actions; the body carries the action's options (Argo's request message). */
  action(ref: WorkflowRef, action: ArgoServerAction, body: Record<string, unknown>): Promise<Workflow> {
    const path = `/api/v1/workflows/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(ref.name)}/${action}`;
    return this.request(
      "PUT",
      path,
      { namespace: ref.namespace, name: ref.name, ...body },
      `${action} ${ref.namespace}/${ref.name}`,
    );
  }

  /** Resubmits; the new workflow still carries the old run-id label until the engine relabels it. */
  async resubmit(ref: WorkflowRef, options: ResubmitOptions): Promise<Workflow> {
    const path = `/api/v1/workflows/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(ref.name)}/resubmit`;
    return this.request(
      "PUT",
      path,
      {
        namespace: ref.namespace,
        name: ref.name,
        memoized: options.memoized ?? false,
        ...(options.parameters
          ? { parameters: Object.entries(options.parameters).map(([k, v]) => `${k}=${v}`) }
          : {}),
      },
      `resubmit ${ref.namespace}/${ref.name}`,
    );
  }

  private async request(method: string, path: string, body: unknown, what: string): Promise<Workflow> {
    try {
      return await withRetries(async () => {
        const token =
          typeof this.options.token === "function" ? await this.options.token() : this.options.token;
        const response = await this.options.fetch(this.options.url + path, {
          method,
          headers: {
            "content-type": "application/json",
            accept: "application/json",
            ...(token ? { authorization: token.startsWith("Bearer ") ? token : `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.options.requestTimeoutMs),
        });
        const text = await response.text();
        if (!response.ok) {
          const retryAfter = Number(response.headers.get("retry-after"));
          throw new HttpStatusError(
            response.status,
            `${what}: HTTP ${response.status}`,
            text,
            Number.isFinite(retryAfter) ? retryAfter : undefined,
          );
        }
        return JSON.parse(text) as Workflow;
      }, this.options.retry);
    } catch (error) {
      throw toEngineError(error, `Argo Server: ${what}`);
    }
  }
}

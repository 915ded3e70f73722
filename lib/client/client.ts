import type { ErrorBody } from "../api/errors";
import type { PipelineRecord, PipelineVersion } from "../ports/pipeline-store";
import type { RunRecord, StepRecord } from "../ports/run-store";
import type { Endpoints } from "./endpoints";

/** An error response of the API, with its status and body. */
export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
    this.name = "ApiClientError";
  }
}

export type RunView = RunRecord & { steps: StepRecord[]; links: Record<string, string> };
export interface RunCreated {
  runId: string;
  status: RunRecord["status"];
  pipeline: string;
  version: string;
  links: Record<string, string>;
}
export type PipelineView = PipelineRecord & { versions: PipelineVersion[]; cursor?: string };
export interface LogsView {
  runId: string;
  stepId: string;
  lines: Array<{ time: string; stream: "stdout" | "stderr"; text: string }>;
}

type Signer = (request: {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}) => Promise<Record<string, string>>;

/** The HTTP API's client (the CLI's only way to the runs). Signs with SigV4 when talking to AWS. */
export class ApiClient {
  private signer?: Promise<Signer>;

  constructor(private readonly endpoints: Endpoints) {}

  createRun(
    pipeline: string,
    body: { parameters: Record<string, string>; version?: string; profile?: string },
    idempotencyKey: string,
  ): Promise<RunCreated> {
    return this.request("POST", `/pipelines/${encodeURIComponent(pipeline)}/runs`, body, {
      "idempotency-key": idempotencyKey,
    });
  }
  getRun(runId: string): Promise<RunView> {
    return this.request("GET", `/runs/${encodeURIComponent(runId)}`);
  }
  listRuns(query: Record<string, string>): Promise<{ items: RunRecord[]; cursor?: string }> {
    const qs = new URLSearchParams(query).toString();
    return this.request("GET", `/runs${qs ? `?${qs}` : ""}`);
  }
  stepLogs(runId: string, stepId: string): Promise<LogsView> {
    return this.request("GET", `/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(stepId)}/logs`);
  }
  action(runId: string, action: "stop" | "terminate" | "retry" | "resubmit"): Promise<RunCreated> {
    return this.request("POST", `/runs/${encodeURIComponent(runId)}/${action}`, {});
  }
  getPipeline(name: string, limit = 5, cursor?: string): Promise<PipelineView> {
    const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
    return this.request("GET", `/pipelines/${encodeURIComponent(name)}?${query}`);
  }
  /** GET a pipeline (a page of its versions), or undefined when it does not exist (yet). */
  async findPipeline(name: string, limit = 5, cursor?: string): Promise<PipelineView | undefined> {
    try {
      return await this.getPipeline(name, limit, cursor);
    } catch (error) {
      if (error instanceof ApiClientError && error.status === 404) return undefined;
      throw error;
    }
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const url = new URL(this.endpoints.apiUrl + path);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let allHeaders: Record<string, string> = {
      accept: "application/json",
      ...(payload !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    };
    if (!this.endpoints.local) {
      this.signer ??= sigV4Signer(this.endpoints.region);
      allHeaders = await (await this.signer)({ method, url, headers: allHeaders, body: payload });
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers: allHeaders, body: payload });
    } catch (cause) {
      throw new Error(`cannot reach the Skiff API at ${this.endpoints.apiUrl} (is the stack running?)`, {
        cause,
      });
    }
    const text = await response.text();
    const parsed =
      text.length > 0 && /json/.test(response.headers.get("content-type") ?? "") ? JSON.parse(text) : text;
    if (!response.ok) {
      const errorBody: ErrorBody =
        parsed && typeof parsed === "object" && "message" in parsed
          ? (parsed as ErrorBody)
          : {
              error: `http-${response.status}`,
              message: `${method} ${path}: HTTP ${response.status}`,
              details: [],
            };
      throw new ApiClientError(response.status, { ...errorBody, details: errorBody.details ?? [] });
    }
    return parsed as T;
  }
}

/** SigV4 for API Gateway's IAM auth (`execute-api`), with credentials from the standard AWS chain. */
async function sigV4Signer(region: string | undefined): Promise<Signer> {
  const [{ SignatureV4 }, { Sha256 }, { fromNodeProviderChain }, { HttpRequest }] = await Promise.all([
    import("@smithy/signature-v4"),
    import("@aws-crypto/sha256-js"),
    import("@aws-sdk/credential-providers"),
    import("@smithy/protocol-http"),
  ]);
  return async ({ method, url, headers, body }) => {
    const signer = new SignatureV4({
      service: "execute-api",
      region: region ?? regionFromHost(url.hostname) ?? "us-east-1",
      credentials: fromNodeProviderChain(),
      sha256: Sha256,
    });
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const signed = await signer.sign(
      new HttpRequest({
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        query,
        headers: { ...headers, host: url.host },
        body,
      }),
    );
    return signed.headers as Record<string, string>;
  };
}

function regionFromHost(host: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host)?.[1];
}

import type { ErrorBody } from "../api/error-body";
import type { TemplateView } from "../pipelines/template-view";
import type { TemplateKind } from "../ports/engine";
import type { Page } from "../ports/page";
import type { PipelineRecord, PipelineVersion } from "../ports/pipeline-store";
import type { RunCounts, RunRecord, StepRecord } from "../ports/run-store";
import type { ScheduleView } from "../ports/schedule-store";
import type { Endpoints } from "./endpoints";
import {
  ApiClientError,
  BadRequestError,
  ConflictError,
  ExpiredCredentialsError,
  ForbiddenError,
  NotFoundError,
  RunNotFoundError,
  SkiffClientError,
  TimeoutError,
  UnreachableError,
} from "./errors";
import { type Signer, sigV4Signer } from "./sigv4";

export { ApiClientError } from "./errors";

export type RunView = RunRecord & { steps: StepRecord[]; links: Record<string, string> };
export interface RunCreated {
  runId: string;
  status: RunRecord["status"];
  pipeline: string;
  version: string;
  caller?: string;
  parentRunId?: string;
  links: Record<string, string>;
}
export interface RunCountsView {
  counts: RunCounts;
  /** The window's start, normalised to UTC; null when every run was counted. */
  since: string | null;
}
export type PipelineView = PipelineRecord & { versions: PipelineVersion[]; cursor?: string };
export interface LogsView {
  runId: string;
  stepId: string;
  lines: Array<{ time: string; stream: "stdout" | "stderr"; text: string }>;
}
/** `GET …/artifacts/{name}` on AWS: where to fetch the artifact from, for a short time. */
export interface ArtifactLink {
  runId: string;
  stepId: string;
  name: string;
  key: string;
  url: string;
  expiresAt: string;
  size?: number;
}
/** Body of `POST /pipelines/{name}/runs`. */
export interface RunRequest {
  parameters?: Record<string, string | number | boolean>;
  version?: string;
  overrides?: Record<string, unknown>;
  profile?: string;
}
/** Body of `POST /runs/{runId}/resume`. */
export interface ResumeRequest {
  /** A suspended step's id, name or display name; every suspended step when absent. */
  node?: string;
  /** Output parameters of the suspend template to set (`argo node set -p`), by name. */
  parameters?: Record<string, string>;
}

export interface ApiClientOptions {
  /** Per-request time limit. Default 30 s. */
  requestTimeoutMs?: number;
  /** Attempts after the first for idempotent requests that failed on the network or with 502/503/504. Default 3. */
  retries?: number;
  /** First backoff; doubled each attempt, with jitter. Default 200 ms. */
  backoffMs?: number;
}

/** Statuses worth another attempt of an idempotent request: the gateway or the service is briefly unavailable. */
const TRANSIENT = new Set([429, 502, 503, 504]);

/**
 * The HTTP API, one method per route: the only way the CLI and `skiff/client` reach runs and pipelines. Signs
 * with SigV4 for deployed stages; every request has a time limit; idempotent ones are retried with backoff.
 */
export class ApiClient {
  private signer?: Promise<Signer>;
  private readonly options: Required<ApiClientOptions>;

  constructor(
    readonly endpoints: Endpoints,
    options: ApiClientOptions = {},
  ) {
    this.options = { requestTimeoutMs: 30_000, retries: 3, backoffMs: 200, ...definedOnly(options) };
  }

  /** With an idempotency key the API answers a replay with the same run, so it is retried like a GET. */
  createRun(pipeline: string, body: RunRequest, idempotencyKey?: string): Promise<RunCreated> {
    return this.request(
      "POST",
      `/pipelines/${encodeURIComponent(pipeline)}/runs`,
      body,
      idempotencyKey ? { "idempotency-key": idempotencyKey } : {},
      { idempotent: idempotencyKey !== undefined },
    );
  }
  getRun(runId: string): Promise<RunView> {
    return this.request("GET", `/runs/${encodeURIComponent(runId)}`, undefined, {}, { runId });
  }
  listRuns(query: Record<string, string>): Promise<Page<RunRecord>> {
    return this.request("GET", `/runs${queryString(query)}`);
  }
  /** `GET /runs/counts`: runs per status for the filters of `listRuns` (status aside) and `since`. */
  countRuns(query: Record<string, string>): Promise<RunCountsView> {
    return this.request("GET", `/runs/counts${queryString(query)}`);
  }
  stepLogs(runId: string, stepId: string): Promise<LogsView> {
    return this.request("GET", `/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(stepId)}/logs`);
  }
  /**
   * A step's artifact: a presigned URL (AWS), or its bytes (the embedded stack). `download` fetches either way.
   */
  artifact(runId: string, step: string, name: string): Promise<ArtifactLink | Uint8Array> {
    return this.request(
      "GET",
      `/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(step)}/artifacts/${encodeURIComponent(name)}`,
      undefined,
      { accept: "application/json, application/octet-stream, application/gzip" },
      { runId },
    );
  }
  /** The artifact's bytes as stored (Argo's tar+gzip archive unless the artifact was stored unarchived). */
  async downloadArtifact(runId: string, step: string, name: string): Promise<Uint8Array> {
    const found = await this.artifact(runId, step, name);
    if (found instanceof Uint8Array) return found;
    let response: Response;
    try {
      // Presigned: no SigV4 of ours, the URL carries its own signature.
      response = await fetch(found.url, { signal: AbortSignal.timeout(this.options.requestTimeoutMs * 10) });
    } catch (cause) {
      throw new UnreachableError(`cannot download artifact ${name} from S3: ${(cause as Error).message}`, {
        cause,
      });
    }
    if (!response.ok) {
      throw new SkiffClientError(
        "download-failed",
        `S3 answered ${response.status} for artifact ${name} of run ${runId} (the link expires at ${found.expiresAt})`,
      );
    }
    return new Uint8Array(await response.arrayBuffer());
  }
  action(runId: string, action: "stop" | "terminate" | "retry" | "resubmit"): Promise<RunCreated> {
    return this.request("POST", `/runs/${encodeURIComponent(runId)}/${action}`, {}, {}, { runId });
  }
  resume(runId: string, body: ResumeRequest): Promise<RunCreated & { resumed: string[] }> {
    return this.request("POST", `/runs/${encodeURIComponent(runId)}/resume`, body, {}, { runId });
  }
  /** Recorded steps of finished runs, by template (and phase), newest first. */
  querySteps(query: Record<string, string>): Promise<Page<StepRecord>> {
    return this.request("GET", `/steps${queryString(query)}`);
  }
  listPipelines(query: Record<string, string> = {}): Promise<Page<PipelineRecord>> {
    return this.request("GET", `/pipelines${queryString(query)}`);
  }
  getPipeline(name: string, limit = 5, cursor?: string): Promise<PipelineView> {
    const query = { limit: String(limit), ...(cursor ? { cursor } : {}) };
    return this.request("GET", `/pipelines/${encodeURIComponent(name)}${queryString(query)}`);
  }
  /** The stored spec (YAML) of a version; `latest` is the latest good one. */
  getSpec(name: string, version = "latest"): Promise<string> {
    return this.request(
      "GET",
      `/pipelines/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/spec`,
    );
  }
  listSchedules(): Promise<{ items: ScheduleView[] }> {
    return this.request("GET", "/schedules");
  }
  getSchedule(name: string): Promise<ScheduleView> {
    return this.request("GET", `/schedules/${encodeURIComponent(name)}`);
  }
  /** Suspends or resumes a schedule (safe to repeat, so retried like a GET). */
  scheduleAction(name: string, action: "suspend" | "resume"): Promise<ScheduleView> {
    return this.request(
      "POST",
      `/schedules/${encodeURIComponent(name)}/${action}`,
      {},
      {},
      { idempotent: true },
    );
  }
  /** Starts one run of the schedule's version now. */
  triggerSchedule(name: string): Promise<RunCreated> {
    return this.request("POST", `/schedules/${encodeURIComponent(name)}/trigger`, {});
  }
  /** The shared templates installed in the engine (of one kind, or both). */
  listTemplates(kind?: TemplateKind): Promise<{ items: TemplateView[] }> {
    return this.request("GET", `/templates${queryString(kind ? { kind } : {})}`);
  }
  getTemplate(name: string, kind?: TemplateKind): Promise<TemplateView> {
    return this.request("GET", `/templates/${encodeURIComponent(name)}${queryString(kind ? { kind } : {})}`);
  }
  /** GET a pipeline (a page of its versions), or undefined when it does not exist (yet). */
  async findPipeline(name: string, limit = 5, cursor?: string): Promise<PipelineView | undefined> {
    try {
      return await this.getPipeline(name, limit, cursor);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    how: { idempotent?: boolean; runId?: string } = {},
  ): Promise<T> {
    const idempotent = how.idempotent ?? method === "GET";
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(method, path, body, headers, how.runId);
      } catch (error) {
        const transient =
          error instanceof UnreachableError ||
          error instanceof TimeoutError ||
          (error instanceof ApiClientError && TRANSIENT.has(error.status));
        if (!idempotent || !transient || attempt >= this.options.retries) throw error;
        const wait = this.options.backoffMs * 2 ** attempt;
        await new Promise((r) => setTimeout(r, wait / 2 + Math.random() * (wait / 2)));
      }
    }
  }

  private async once<T>(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
    runId: string | undefined,
  ): Promise<T> {
    const url = new URL(this.endpoints.apiUrl + path);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let allHeaders: Record<string, string> = {
      accept: "application/json",
      ...(payload !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    };
    if (!this.endpoints.local) {
      this.signer ??= sigV4Signer(this.endpoints.region, this.endpoints.awsProfile);
      allHeaders = await (await this.signer)({ method, url, headers: allHeaders, body: payload });
    }
    const where = `the Skiff API at ${this.endpoints.apiUrl}`;
    let response: Response;
    let text: string;
    let bytes: Uint8Array | undefined;
    try {
      response = await fetch(url, {
        method,
        headers: allHeaders,
        body: payload,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      if (response.ok && isBinary(response.headers.get("content-type"))) {
        bytes = new Uint8Array(await response.arrayBuffer());
        text = "";
      } else text = await response.text();
    } catch (cause) {
      if (cause instanceof SkiffClientError) throw cause;
      if ((cause as Error).name === "TimeoutError") {
        throw new TimeoutError(
          `${method} ${path}: ${where} did not answer within ${Math.round(this.options.requestTimeoutMs / 1000)} s; retry, or check the stage`,
          { cause },
        );
      }
      throw new UnreachableError(
        this.endpoints.local
          ? `cannot reach ${where}: is the embedded stack running? start it with \`npx skiff start\``
          : `cannot reach ${where}: check the network and the context's --api-url (skiff context show)`,
        { cause },
      );
    }
    if (bytes) return bytes as T;
    const isJson = /json/.test(response.headers.get("content-type") ?? "");
    let parsed: unknown = text;
    if (text.length > 0 && isJson) {
      try {
        parsed = JSON.parse(text);
      } catch (cause) {
        throw new SkiffClientError("bad-response", `${method} ${path}: the API answered invalid JSON`, [], {
          cause,
        });
      }
    }
    if (!response.ok) throw errorFor(response.status, parsed, method, path, runId, this.endpoints);
    return parsed as T;
  }
}

/** The typed error for an error response (API Gateway's own 403s carry only `{message}`). */
function errorFor(
  status: number,
  parsed: unknown,
  method: string,
  path: string,
  runId: string | undefined,
  endpoints: Endpoints,
): SkiffClientError {
  const given = parsed && typeof parsed === "object" ? (parsed as Partial<ErrorBody>) : {};
  const body: ErrorBody = {
    error: typeof given.error === "string" ? given.error : `http-${status}`,
    message: typeof given.message === "string" ? given.message : `${method} ${path}: HTTP ${status}`,
    details: Array.isArray(given.details) ? given.details : [],
  };
  if ((status === 403 || status === 401) && /expired/i.test(body.message)) {
    return new ExpiredCredentialsError(
      `the AWS credentials have expired (${body.message}); renew them (e.g. aws sso login${endpoints.awsProfile ? ` --profile ${endpoints.awsProfile}` : ""}) and retry`,
    );
  }
  switch (status) {
    case 400:
      return new BadRequestError(status, body);
    case 403:
      return new ForbiddenError(status, {
        ...body,
        error: body.error === `http-${status}` ? "forbidden" : body.error,
        message: `${endpoints.apiUrl} refused these AWS credentials (${body.message}); they need execute-api:Invoke on this API, or pick another profile (skiff context add … --aws-profile)`,
      });
    case 404:
      // Requests about a run name it; their 404 may also be about something else (a step, a gone workflow).
      return runId && body.message.startsWith(`run ${runId} does not exist`)
        ? new RunNotFoundError(runId, status, body)
        : new NotFoundError(status, body);
    case 409:
      return new ConflictError(status, body);
    default:
      return new ApiClientError(status, body);
  }
}

function isBinary(contentType: string | null): boolean {
  return /^application\/(octet-stream|gzip|x-gzip|x-tar)\b/i.test(contentType ?? "");
}

function queryString(query: Record<string, string>): string {
  const qs = new URLSearchParams(query).toString();
  return qs ? `?${qs}` : "";
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// The dashboard's only way out: the public HTTP API, with relative URLs, so the page works both from the
// embedded stack and through `skiff dashboard`'s signing proxy. Types come from the client; no code does.
import type { ErrorBody, ErrorDetail } from "../api/error-body";
import type { PipelineView, RunCountsView, RunCreated, RunRequest, RunView } from "../client/client";
import type { PipelineRecord } from "../ports/pipeline-store";
import type { RunRecord } from "../ports/run-store";
import type { ScheduleView } from "../ports/schedule-store";
import { queryString } from "./query";

export type {
  ErrorDetail,
  PipelineRecord,
  PipelineView,
  RunCreated,
  RunRecord,
  RunRequest,
  RunView,
  ScheduleView,
};

/** A failed API call: which request, the status, and the API's error body when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    /** 0 when the request never got an answer. */
    readonly status: number,
    readonly body?: ErrorBody,
    options?: ErrorOptions,
  ) {
    super(
      `${method} ${path}: ${status === 0 ? "no answer" : status}${body?.message ? ` — ${body.message}` : ""}`,
      options,
    );
    this.name = "ApiError";
  }

  /** The field errors of a 400 (`parameters.rows` → message), empty otherwise. */
  get details(): ErrorDetail[] {
    return this.body?.details ?? [];
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === "object" && value !== null && typeof (value as ErrorBody).message === "string";
}

/** Sends one request; resolves with the response when it is a 2xx, else rejects with an ApiError. */
async function request(
  method: string,
  path: string,
  init: { accept?: string; body?: unknown; signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        accept: init.accept ?? "application/json",
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
    });
  } catch (error) {
    throw new ApiError(method, path, 0, undefined, { cause: error });
  }
  if (response.ok) return response;
  let body: ErrorBody | undefined;
  try {
    const parsed: unknown = await response.json();
    if (isErrorBody(parsed)) body = { ...parsed, details: parsed.details ?? [] };
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  throw new ApiError(method, path, response.status, body);
}

/** `GET path` as JSON. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await (await request("GET", path, { signal })).json()) as T;
}

/** `GET path` as text (`accept` picks the representation, e.g. YAML). */
export async function getText(path: string, accept: string, signal?: AbortSignal): Promise<string> {
  return (await request("GET", path, { accept, signal })).text();
}

/** `POST path` with a JSON body; resolves with the JSON answer. */
export async function postJson<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T> {
  return (await (await request("POST", path, { body, headers })).json()) as T;
}

const seg = encodeURIComponent;

/** `GET /runs/counts`' answer: runs per status since `since`. */
export type RunCounts = RunCountsView;

/** The routes the dashboard reads, typed (docs/api.md). */
export const api = {
  pipelines: (signal?: AbortSignal) =>
    getJson<{ items: PipelineRecord[]; cursor?: string }>("/pipelines", signal),
  pipeline: (name: string, signal?: AbortSignal) => getJson<PipelineView>(`/pipelines/${seg(name)}`, signal),
  specYaml: (name: string, version: string, signal?: AbortSignal) =>
    getText(`/pipelines/${seg(name)}/versions/${seg(version)}/spec`, "application/yaml", signal),
  specJson: (name: string, version: string, signal?: AbortSignal) =>
    getJson<unknown>(`/pipelines/${seg(name)}/versions/${seg(version)}/spec`, signal),
  schedules: (signal?: AbortSignal) => getJson<{ items: ScheduleView[] }>("/schedules", signal),
  runCounts: (query: { pipeline?: string; since?: string }, signal?: AbortSignal) =>
    getJson<RunCounts>(`/runs/counts?${queryString(query)}`, signal),
  run: (runId: string, signal?: AbortSignal) => getJson<RunView>(`/runs/${seg(runId)}`, signal),
  startRun: (name: string, body: RunRequest) => postJson<RunCreated>(`/pipelines/${seg(name)}/runs`, body),
};

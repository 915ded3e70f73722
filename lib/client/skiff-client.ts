import { randomUUID } from "node:crypto";
import type { TemplateView } from "../pipelines/template-view";
import type { TemplateKind } from "../ports/engine";
import type { Page } from "../ports/page";
import type { PipelineRecord } from "../ports/pipeline-store";
import type { RunRecord, RunStatus, StepRecord } from "../ports/run-store";
import type { ScheduleView } from "../ports/schedule-store";
import { ApiClient, type ApiClientOptions, type PipelineView, type RunRequest } from "./client";
import { type ContextOptions, type ResolvedContext, resolveContext } from "./contexts";
import type { Endpoints } from "./endpoints";
import { RunHandle } from "./run-handle";

export interface SkiffClientOptions extends ContextOptions, ApiClientOptions {
  /** Where to reach Skiff, given outright instead of through a context. */
  endpoints?: Endpoints;
}

export interface RunOptions extends RunRequest {
  /**
   * Makes the request safe to repeat: the same key answers with the same run. A fresh one is used when absent,
   * so that a request retried after a network failure never starts two runs.
   */
  idempotencyKey?: string;
}

export interface ListRunsOptions {
  pipeline?: string;
  status?: RunStatus;
  /** Runs whose parameter had this value (one parameter: the API filters on one at a time). */
  params?: Record<string, string>;
  /** Page size. */
  pageSize?: number;
  /** Start from a cursor an earlier page gave. */
  cursor?: string;
}

/**
 * A listing the API serves in pages: iterate it (`for await`) for every item, or take `pages()` one at a time.
 * Nothing is requested until it is iterated.
 */
export class Paged<T> implements AsyncIterable<T> {
  constructor(
    private readonly fetchPage: (cursor?: string) => Promise<Page<T>>,
    private readonly start?: string,
  ) {}

  async *pages(): AsyncGenerator<Page<T>> {
    let cursor = this.start;
    do {
      const page = await this.fetchPage(cursor);
      yield page;
      cursor = page.cursor;
    } while (cursor);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for await (const page of this.pages()) yield* page.items;
  }

  /** Every item, up to `max` (default 1000) so that a huge listing cannot exhaust memory by accident. */
  async toArray(max = 1000): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) {
      if (out.length >= max) break;
      out.push(item);
    }
    return out;
  }
}

/**
 * Skiff for programs: `const skiff = new SkiffClient({ context: "dev" })`, then
 * `const run = await skiff.pipelines.run("etl", { parameters })` and `await run.result()`.
 */
export class SkiffClient {
  readonly context: ResolvedContext;
  /** The HTTP API, route by route (what the handles use). */
  readonly api: ApiClient;
  readonly pipelines: PipelinesApi;
  readonly runs: RunsApi;
  readonly steps: StepsApi;
  readonly schedules: SchedulesApi;
  readonly templates: TemplatesApi;

  constructor(options: SkiffClientOptions = {}) {
    this.context = options.endpoints
      ? { name: options.context ?? "custom", endpoints: options.endpoints }
      : resolveContext(options);
    this.api = new ApiClient(this.context.endpoints, options);
    this.pipelines = new PipelinesApi(this.api);
    this.runs = new RunsApi(this.api);
    this.steps = new StepsApi(this.api);
    this.schedules = new SchedulesApi(this.api);
    this.templates = new TemplatesApi(this.api);
  }
}

export class PipelinesApi {
  constructor(private readonly api: ApiClient) {}

  /** Starts a run of the pipeline's latest good version (or `version`), and answers its handle. */
  async run(name: string, options: RunOptions = {}): Promise<RunHandle> {
    const { idempotencyKey, ...body } = options;
    const created = await this.api.createRun(name, body, idempotencyKey ?? randomUUID());
    return new RunHandle(created.runId, this.api, created);
  }

  list(options: { pageSize?: number } = {}): Paged<PipelineRecord> {
    return new Paged((cursor) =>
      this.api.listPipelines({
        ...(options.pageSize ? { limit: String(options.pageSize) } : {}),
        ...(cursor ? { cursor } : {}),
      }),
    );
  }

  /** The pipeline with a page of its versions, newest first. */
  get(name: string, options: { limit?: number; cursor?: string } = {}): Promise<PipelineView> {
    return this.api.getPipeline(name, options.limit ?? 20, options.cursor);
  }

  /** A version's compiled spec, as YAML (`latest`: the latest good version). */
  spec(name: string, version = "latest"): Promise<string> {
    return this.api.getSpec(name, version);
  }
}

/** CronWorkflow pipelines' schedules (docs/schedules.md). */
export class SchedulesApi {
  constructor(private readonly api: ApiClient) {}

  async list(): Promise<ScheduleView[]> {
    return (await this.api.listSchedules()).items;
  }
  get(name: string): Promise<ScheduleView> {
    return this.api.getSchedule(name);
  }
  suspend(name: string): Promise<ScheduleView> {
    return this.api.scheduleAction(name, "suspend");
  }
  resume(name: string): Promise<ScheduleView> {
    return this.api.scheduleAction(name, "resume");
  }
  /** Starts one run of the schedule's version now, and answers its handle. */
  async trigger(name: string): Promise<RunHandle> {
    const created = await this.api.triggerSchedule(name);
    return new RunHandle(created.runId, this.api, created);
  }
}

/** Shared templates installed in the engine by workflowTemplate pipelines (docs/templates.md). */
export class TemplatesApi {
  constructor(private readonly api: ApiClient) {}

  /** Every installed template, or those of one kind. */
  async list(kind?: TemplateKind): Promise<TemplateView[]> {
    return (await this.api.listTemplates(kind)).items;
  }
  /** One installed template: the WorkflowTemplate of that name, else the ClusterWorkflowTemplate, unless `kind`. */
  get(name: string, kind?: TemplateKind): Promise<TemplateView> {
    return this.api.getTemplate(name, kind);
  }
}

export class RunsApi {
  constructor(private readonly api: ApiClient) {}

  /** A handle on a run by id; nothing is requested until it is used (RunNotFoundError then, for a wrong id). */
  get(runId: string): RunHandle {
    return new RunHandle(runId, this.api);
  }

  /** Runs, newest first, filtered as the API can. */
  list(options: ListRunsOptions = {}): Paged<RunRecord> {
    const query: Record<string, string> = {};
    if (options.pipeline) query.pipeline = options.pipeline;
    if (options.status) query.status = options.status;
    if (options.pageSize) query.limit = String(options.pageSize);
    for (const [k, v] of Object.entries(options.params ?? {})) query[`param.${k}`] = v;
    return new Paged(
      (cursor) => this.api.listRuns({ ...query, ...(cursor ? { cursor } : {}) }),
      options.cursor,
    );
  }
}

export class StepsApi {
  constructor(private readonly api: ApiClient) {}

  /** Recorded steps of finished runs that ran `template`, newest first (optionally in one phase). */
  list(options: {
    template: string;
    status?: string;
    pageSize?: number;
    cursor?: string;
  }): Paged<StepRecord> {
    const query: Record<string, string> = { template: options.template };
    if (options.status) query.status = options.status;
    if (options.pageSize) query.limit = String(options.pageSize);
    return new Paged(
      (cursor) => this.api.querySteps({ ...query, ...(cursor ? { cursor } : {}) }),
      options.cursor,
    );
  }
}

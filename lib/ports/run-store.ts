/**
 * The `RunStore` port: pipelines, versions, runs and steps (DynamoDB). Implemented in lib/runs.
 * Status writes are conditional and monotonic: a terminal status is never overwritten.
 */
export type RunStatus = "Pending" | "Running" | "Succeeded" | "Failed" | "Error" | "Stopped" | "Terminated";
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = [
  "Succeeded",
  "Failed",
  "Error",
  "Stopped",
  "Terminated",
];

export interface Diagnostic {
  severity: "error" | "warning";
  /** Stable machine code, e.g. `schema`, `unknown-reference`, `sandbox.import`. */
  code: string;
  message: string;
  /** Path into the spec, e.g. `spec.templates[2].dag.tasks[0].depends`. */
  path?: string;
  /** Location in user code, when the diagnostic comes from it. */
  file?: string;
  line?: number;
  column?: number;
}

export interface PipelineVersion {
  pipeline: string;
  /** `v1`, `v2`, ... in upload order. */
  version: string;
  contentHash: string;
  sourceSize: number;
  specKey?: string;
  ok: boolean;
  /** Declared workflow parameters (name, default, enum, description). */
  parameters: Array<{ name: string; default?: string; enum?: string[]; description?: string }>;
  templateCount: number;
  diagnostics: Diagnostic[];
  createdAt: string;
  /**
   * The upload the version was built from: its entry object's ETag and, in a versioned bucket, S3 version id.
   * `skiff push` finds the version its own upload produced by it. Absent on versions recorded before.
   */
  upload?: UploadRef;
}

/** One stored object of an upload, as S3 identifies it. */
export interface UploadRef {
  key: string;
  etag?: string;
  versionId?: string;
}

export interface PipelineRecord {
  name: string;
  latestVersion?: string;
  /** Latest version that built successfully: what runs use by default. */
  latestGoodVersion?: string;
  lastBuild?: { version: string; ok: boolean; diagnostics: Diagnostic[]; at: string };
  updatedAt: string;
}

export interface EngineInfo {
  kind: "local" | "argo";
  namespace: string;
  workflowName?: string;
  uid?: string;
}

export interface FailedStep {
  stepId: string;
  name: string;
  message?: string;
  exitCode?: number;
}

export interface RunRecord {
  runId: string;
  pipeline: string;
  version: string;
  status: RunStatus;
  parameters: Record<string, string>;
  outputs?: Record<string, string>;
  message?: string;
  failedSteps?: FailedStep[];
  engine: EngineInfo;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /**
   * Who created the run: the caller's IAM principal (ARN), `local` on the embedded stack. Absent on runs
   * recorded before callers were, and on runs the sweep adopted from the engine without a record.
   */
  caller?: string;
  /** Set when the run was created through an idempotency key. */
  idempotencyKey?: string;
  /** Resubmitted/retried from. */
  parentRunId?: string;
}

export interface StepRecord {
  runId: string;
  /** Argo node id. */
  stepId: string;
  name: string;
  displayName: string;
  type: string;
  templateName?: string;
  phase: string;
  message?: string;
  exitCode?: number;
  startedAt?: string;
  finishedAt?: string;
  inputs?: Record<string, string>;
  outputs?: Record<string, string>;
  boundaryId?: string;
  children?: string[];
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; absent on the last page. */
  cursor?: string;
}

export interface RunQuery {
  pipeline?: string;
  status?: RunStatus;
  /** Runs whose parameter `name` had exactly `value`. */
  param?: { name: string; value: string };
  limit?: number;
  cursor?: string;
}

export interface StatusUpdate {
  runId: string;
  status: RunStatus;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  outputs?: Record<string, string>;
  failedSteps?: FailedStep[];
  engine?: EngineInfo;
  steps: StepRecord[];
}

export interface StatusUpdateResult {
  /** False when the stored status was already as new or terminal (nothing written). */
  applied: boolean;
  /** True only for the single writer that moved the run into a terminal status. */
  becameTerminal: boolean;
  /** The stored status this write replaced (only when applied): tells a status transition from progress. */
  previousStatus?: RunStatus;
  run: RunRecord;
}

/** A run that reached a terminal status whose `Pipeline Run Completed` event is not yet confirmed published. */
export interface PendingCompletion {
  run: RunRecord;
  /** When the terminal status was written. */
  since: string;
}

export interface RunStore {
  // Pipelines and versions
  recordVersion(
    version: Omit<PipelineVersion, "version">,
  ): Promise<{ version: PipelineVersion; created: boolean }>;
  getPipeline(name: string): Promise<PipelineRecord | undefined>;
  listPipelines(options?: { limit?: number; cursor?: string }): Promise<Page<PipelineRecord>>;
  /** Newest first. */
  listVersions(name: string, options?: { limit?: number; cursor?: string }): Promise<Page<PipelineVersion>>;
  getVersion(name: string, version: string): Promise<PipelineVersion | undefined>;

  // Runs
  /** Creates the run; with an idempotency key already used, returns the existing run and created=false. */
  createRun(run: RunRecord): Promise<{ run: RunRecord; created: boolean }>;
  /**
   * Removes a run the engine refused at submit, so that a refused request leaves nothing behind: its record,
   * parameter entries and idempotency key (which may then be used again). Only a run still `Pending` without a
   * workflow is removed; false when there was none, or it had moved on.
   */
  discardRun(runId: string): Promise<boolean>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Newest first. */
  queryRuns(query: RunQuery): Promise<Page<RunRecord>>;
  /** Conditional, monotonic, batched write of a run's status and its steps. */
  applyStatus(update: StatusUpdate): Promise<StatusUpdateResult>;
  /**
   * After an engine retry (same workflow, run again): moves a terminal run back to `Running` as a new attempt,
   * refusing later snapshots of the earlier attempt. `startedAt`: the retried workflow's `status.startedAt`.
   */
  reopenRun(runId: string, options?: { startedAt?: string }): Promise<RunRecord>;
  listSteps(runId: string): Promise<StepRecord[]>;
  queryStepsByTemplate(
    templateName: string,
    options?: { phase?: string; limit?: number; cursor?: string },
  ): Promise<Page<StepRecord>>;
  /** Runs not yet terminal, for the sweep. */
  listActiveRuns(options?: { limit?: number; cursor?: string }): Promise<Page<RunRecord>>;
  /**
   * Outbox of completion events: the write that makes a run terminal also records it as pending; the
   * publisher marks it published. The sweep publishes what a crashed or failed publisher left behind.
   */
  listPendingCompletions(options?: { limit?: number; cursor?: string }): Promise<Page<PendingCompletion>>;
  markCompletionPublished(runId: string): Promise<void>;
}

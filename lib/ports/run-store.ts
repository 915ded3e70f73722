import type { Page, PageQuery } from "./page";

/**
 * The `RunStore` port: runs and their steps (DynamoDB, lib/adapters/dynamodb/run-store.ts). Pipelines and their
 * versions are the `PipelineStore`'s (pipeline-store.ts); completions awaiting their event, the
 * `CompletionOutbox`'s (completion-outbox.ts). Status writes are conditional and monotonic: a terminal status
 * is never overwritten.
 */
export type RunStatus = "Pending" | "Running" | "Succeeded" | "Failed" | "Error" | "Stopped" | "Terminated";
/** Every status, in the order a run moves through them (terminal ones last). */
export const RUN_STATUSES: readonly RunStatus[] = [
  "Pending",
  "Running",
  "Succeeded",
  "Failed",
  "Error",
  "Stopped",
  "Terminated",
];
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = [
  "Succeeded",
  "Failed",
  "Error",
  "Stopped",
  "Terminated",
];

export interface EngineInfo {
  kind: "local" | "argo";
  namespace: string;
  workflowName?: string;
  uid?: string;
}

export interface FailedStep {
  stepId: string;
  name: string;
  /** Argo's node message, at most 1 KB (lib/events/failure-detail.ts). */
  message?: string;
  exitCode?: number;
  /** The last lines of the step's stderr (its whole log on Argo, which merges streams), at most 20 lines / 2 KB. */
  stderrTail?: string;
}

/** An artifact a step took in or produced, as Argo recorded it on the node. */
export interface StepArtifact {
  name: string;
  /** The object's key in the artifact repository (S3), when it was stored there. */
  key?: string;
  /** Set only when the artifact names a bucket of its own (the repository's bucket otherwise). */
  bucket?: string;
  /** Bytes stored, when the engine knows. */
  size?: number;
  /** Argo's `path` inside the container. */
  path?: string;
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
  inputArtifacts?: StepArtifact[];
  outputArtifacts?: StepArtifact[];
  /** Failed steps only: see `FailedStep.stderrTail`. */
  stderrTail?: string;
  boundaryId?: string;
  children?: string[];
}

export interface RunQuery extends PageQuery {
  pipeline?: string;
  status?: RunStatus;
  /** Runs whose parameter `name` had exactly `value`. */
  param?: { name: string; value: string };
}

/** The filters of `RunStore.countRuns`: those of `RunQuery` except status, and a time window. */
export interface RunCountQuery {
  pipeline?: string;
  /** Runs whose parameter `name` had exactly `value`. */
  param?: { name: string; value: string };
  /** Only runs created at or after this ISO time (UTC, `Date.toISOString`'s form). Default: all runs. */
  since?: string;
}

export type RunCounts = Record<RunStatus, number>;

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

export interface RunStore {
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
  /** How many runs match, per status (every status present, zero included), read through the indexes. */
  countRuns(query: RunCountQuery): Promise<RunCounts>;
  /**
   * Conditional, monotonic, batched write of a run's status and its steps. The write that makes a run
   * terminal also enters it in the `CompletionOutbox`, atomically (so no completion can be lost).
   */
  applyStatus(update: StatusUpdate): Promise<StatusUpdateResult>;
  /**
   * After an engine retry (same workflow, run again): moves a terminal run back to `Running` as a new attempt,
   * refusing later snapshots of the earlier attempt. `startedAt`: the retried workflow's `status.startedAt`.
   */
  reopenRun(runId: string, options?: { startedAt?: string }): Promise<RunRecord>;
  listSteps(runId: string): Promise<StepRecord[]>;
  queryStepsByTemplate(
    templateName: string,
    options?: PageQuery & { phase?: string },
  ): Promise<Page<StepRecord>>;
  /** Runs not yet terminal, for the sweep. */
  listActiveRuns(options?: PageQuery): Promise<Page<RunRecord>>;
}

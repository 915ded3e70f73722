import type { Page, PageQuery } from "./page";

/**
 * The `ScheduleStore` port: one schedule per Pipeline whose latest good version is a CronWorkflow (DynamoDB,
 * lib/adapters/dynamodb/schedule-store.ts). The build installs it; the schedule tick reads it and records what it
 * fired; the API suspends and resumes it.
 */
export type ConcurrencyPolicy = "Allow" | "Forbid" | "Replace";

export interface ScheduleRecord {
  pipeline: string;
  /** The version whose CronWorkflow this schedule is; a newer good version replaces it. */
  version: string;
  schedules: string[];
  timezone?: string;
  concurrencyPolicy: ConcurrencyPolicy;
  startingDeadlineSeconds?: number;
  /** Argo's `suspend`: the spec's value when installed, then `skiff schedule suspend|resume`. */
  suspended: boolean;
  /** Argo's `when` (govaluate after `{{cronworkflow.*}}` substitution). */
  when?: string;
  /** Argo's `stopStrategy.expression` (expr, over `cronworkflow.failed` / `.succeeded`). */
  stopExpression?: string;
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  /** The CronWorkflow's own labels and annotations (`cronworkflow.labels` in `when`). */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  namespace?: string;
  installedAt: string;
  /** The latest firing that was run or skipped on purpose (Argo's `status.lastScheduledTime`). */
  lastScheduledTime?: string;
  /** The latest firing decided (run, skipped by `when`/`concurrencyPolicy`, or missed): the tick's cursor. */
  firedUpTo?: string;
  /** Completed scheduled runs of this version, as Argo's `status.succeeded` / `status.failed` count them. */
  succeeded: number;
  failed: number;
  /**
   * The runs this version's schedule started that were not finished when last counted (Argo's `status.active`):
   * each is counted once, when a tick finds it finished, so counting reads only these. Absent: none.
   */
  activeRuns?: string[];
  /** Set once `stopStrategy` held: the schedule no longer fires (Argo's `Stopped` phase). */
  stopped?: boolean;
  /** Why the last firing could not start a run. */
  lastError?: { message: string; at: string };
  /** Bumped by every write; writes are conditional on it. */
  revision: number;
}

/** A schedule as the API answers it. */
export interface ScheduleView extends ScheduleRecord {
  /** The next firing of each schedule, in order, as ISO times; absent while suspended or stopped. */
  nextFireTimes?: string[];
}

export interface ScheduleStore {
  get(pipeline: string): Promise<ScheduleRecord | undefined>;
  list(options?: PageQuery): Promise<Page<ScheduleRecord>>;
  /**
   * Installs `record` (revision ignored) unless the stored one is of the same or a newer version: returns
   * false then. Versions are compared by number (`v10` is newer than `v9`).
   */
  install(record: Omit<ScheduleRecord, "revision">): Promise<boolean>;
  /** Removes the pipeline's schedule when it is of `version` or older (a newer build is not a CronWorkflow). */
  remove(pipeline: string, version: string): Promise<void>;
  /** Writes `record` if the stored revision is still `record.revision`; false when another write won. */
  update(record: ScheduleRecord): Promise<boolean>;
}

/** `v12` → 12. */
export function versionNumber(version: string): number {
  const n = /^v(\d+)$/.exec(version);
  return n ? Number(n[1]) : 0;
}

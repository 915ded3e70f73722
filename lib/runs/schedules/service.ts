import { parseCronSchedule } from "../../argo/cron";
import type { Engine } from "../../ports/engine";
import { RUN_STATUSES, type RunRecord, type RunStore } from "../../ports/run-store";
import type { ScheduleRecord, ScheduleStore, ScheduleView } from "../../ports/schedule-store";
import { isTerminal } from "../status";
import { stopReached, whenHolds } from "./policy";

/** What starting a scheduled run needs; the API's run path (lib/api/runs.ts `startRun`) does it. */
export interface ScheduledStart {
  pipeline: string;
  version: string;
  scheduledTime: Date;
  /** Makes a firing start at most one run however often it is attempted. */
  idempotencyKey: string;
}
export type StartScheduledRun = (start: ScheduledStart) => Promise<RunRecord>;

export interface ScheduleServiceDeps {
  store: ScheduleStore;
  runs: RunStore;
  engine: Engine;
  start: StartScheduledRun;
  now?: () => Date;
}

export type TickOutcome =
  | { pipeline: string; kind: "idle" | "suspended" | "stopped" }
  | { pipeline: string; kind: "started"; scheduledTime: string; runId: string }
  | { pipeline: string; kind: "skipped"; scheduledTime: string; reason: string }
  | { pipeline: string; kind: "error"; message: string };

const ACTIVE_STATUSES = RUN_STATUSES.filter((s) => !isTerminal(s));

/** Idempotency keys of scheduled runs begin with this: it tells them from runs started by hand. */
export const SCHEDULED_KEY_PREFIX = "schedule:";

/**
 * The tick runs once a minute (serverless.yml's `schedules` function; the embedded stack fires it in real time),
 * so a firing is seen up to a minute late, plus delivery delays. A firing later than this is missed (Argo runs a
 * missed firing only within startingDeadlineSeconds), unless startingDeadlineSeconds allows longer.
 */
export const TICK_GRACE_MS = 120_000;

/**
 * Runs the schedules of CronWorkflow pipelines with the semantics of Argo's cron controller: several schedules,
 * a time zone, suspend, startingDeadlineSeconds, when, concurrencyPolicy and stopStrategy. Each firing starts an
 * ordinary Run through the API's run path, so it is recorded, watched and completed like any other.
 */
export class ScheduleService {
  private readonly now: () => Date;

  constructor(private readonly deps: ScheduleServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async list(): Promise<ScheduleView[]> {
    const out: ScheduleView[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.list({ limit: 100, ...(cursor ? { cursor } : {}) });
      out.push(...page.items.map((s) => this.view(s)));
      cursor = page.cursor;
    } while (cursor);
    return out;
  }

  async get(pipeline: string): Promise<ScheduleView | undefined> {
    const schedule = await this.deps.store.get(pipeline);
    return schedule ? this.view(schedule) : undefined;
  }

  /** Sets `suspended`; undefined when the pipeline has no schedule. */
  async setSuspended(pipeline: string, suspended: boolean): Promise<ScheduleView | undefined> {
    for (;;) {
      const schedule = await this.deps.store.get(pipeline);
      if (!schedule) return undefined;
      const next = { ...schedule, suspended };
      if (await this.deps.store.update(next)) return this.view({ ...next, revision: next.revision + 1 });
    }
  }

  /** Starts a run of the schedule's version now, whatever its policies (as `argo submit --from cronwf/…`). */
  async trigger(pipeline: string): Promise<RunRecord | undefined> {
    const schedule = await this.deps.store.get(pipeline);
    if (!schedule) return undefined;
    const now = this.now();
    const run = await this.deps.start({
      pipeline,
      version: schedule.version,
      scheduledTime: now,
      idempotencyKey: `${SCHEDULED_KEY_PREFIX}${pipeline}:trigger:${now.toISOString()}`,
    });
    // Counted with the schedule's own runs when it finishes, if the schedule is still this version's.
    for (let current = schedule; current.version === run.version; ) {
      const activeRuns = [...(current.activeRuns ?? []), run.runId];
      if (await this.deps.store.update({ ...current, activeRuns })) break;
      const latest = await this.deps.store.get(pipeline);
      if (!latest) break;
      current = latest;
    }
    return run;
  }

  /** Decides every schedule's due firing at `now` (the scheduled event's time); one failing does not stop others. */
  async tick(now: Date = this.now()): Promise<TickOutcome[]> {
    const outcomes: TickOutcome[] = [];
    let active: Map<string, RunRecord[]> | undefined;
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.list({ limit: 100, ...(cursor ? { cursor } : {}) });
      if (page.items.length) active ??= await this.activeScheduledRuns();
      for (const schedule of page.items) {
        const running = active?.get(schedule.pipeline) ?? [];
        outcomes.push(
          await this.tickOne(schedule, now, running).catch((error) => this.failed(schedule, now, error)),
        );
      }
      cursor = page.cursor;
    } while (cursor);
    return outcomes;
  }

  /** `active`: the pipeline's scheduled runs still Pending or Running, of any version. */
  private async tickOne(schedule: ScheduleRecord, now: Date, active: RunRecord[]): Promise<TickOutcome> {
    const pipeline = schedule.pipeline;
    if (schedule.suspended) return { pipeline, kind: "suspended" };
    if (schedule.stopped) return { pipeline, kind: "stopped" };
    const due = dueFiring(schedule, now);
    if (!due) return { pipeline, kind: "idle" };
    const scheduledTime = due.toISOString();
    const decided = (changes: Partial<ScheduleRecord>) =>
      this.deps.store.update({ ...schedule, firedUpTo: scheduledTime, ...changes });

    const allowedLateMs = Math.max(TICK_GRACE_MS, (schedule.startingDeadlineSeconds ?? 0) * 1000);
    if (now.getTime() - due.getTime() > allowedLateMs) {
      await decided({});
      return {
        pipeline,
        kind: "skipped",
        scheduledTime,
        reason: "missed: later than startingDeadlineSeconds",
      };
    }

    const counts = await this.countFinished(schedule);
    const counted = { ...schedule, ...counts };
    if (stopReached(counted)) {
      await decided({ ...counts, stopped: true });
      return { pipeline, kind: "stopped" };
    }
    if (!whenHolds(counted)) {
      await decided(counts);
      return { pipeline, kind: "skipped", scheduledTime, reason: "when is false" };
    }
    if (active.length > 0 && schedule.concurrencyPolicy === "Forbid") {
      await decided(counts);
      return {
        pipeline,
        kind: "skipped",
        scheduledTime,
        reason: "concurrencyPolicy Forbid: a run is active",
      };
    }
    if (schedule.concurrencyPolicy === "Replace") {
      for (const run of active) {
        if (!run.engine.workflowName) continue;
        await this.deps.engine.terminate({ name: run.engine.workflowName, namespace: run.engine.namespace });
      }
    }
    const run = await this.deps.start({
      pipeline,
      version: schedule.version,
      scheduledTime: due,
      idempotencyKey: `${SCHEDULED_KEY_PREFIX}${pipeline}:${scheduledTime}`,
    });
    // A lost race means another tick decided this firing too; the idempotency key made it one run.
    const { lastError: _cleared, ...rest } = schedule;
    await this.deps.store.update({
      ...rest,
      firedUpTo: scheduledTime,
      lastScheduledTime: scheduledTime,
      ...counts,
      activeRuns: counts.activeRuns.includes(run.runId)
        ? counts.activeRuns
        : [...counts.activeRuns, run.runId],
    });
    return { pipeline, kind: "started", scheduledTime, runId: run.runId };
  }

  private async failed(schedule: ScheduleRecord, now: Date, error: unknown): Promise<TickOutcome> {
    const message = error instanceof Error ? error.message : String(error);
    // Recorded for `skiff schedules`; the firing is retried at the next tick while within its deadline.
    await this.deps.store
      .update({ ...schedule, lastError: { message, at: now.toISOString() } })
      .catch(() => undefined);
    return { pipeline: schedule.pipeline, kind: "error", message };
  }

  /**
   * Scheduled runs still Pending or Running, by pipeline, whichever version started them: Argo's cron controller
   * keeps its active workflows across changes of the CronWorkflow, so Forbid and Replace see them too. Read once
   * per tick from the status index, which holds only what is active, not every run a schedule ever started.
   */
  private async activeScheduledRuns(): Promise<Map<string, RunRecord[]>> {
    const out = new Map<string, RunRecord[]>();
    for (const status of ACTIVE_STATUSES) {
      let cursor: string | undefined;
      do {
        const page = await this.deps.runs.queryRuns({ status, limit: 100, ...(cursor ? { cursor } : {}) });
        for (const run of page.items) {
          if (!run.idempotencyKey?.startsWith(SCHEDULED_KEY_PREFIX)) continue;
          out.set(run.pipeline, [...(out.get(run.pipeline) ?? []), run]);
        }
        cursor = page.cursor;
      } while (cursor);
    }
    return out;
  }

  /**
   * The schedule's counts with its active runs that have finished added, and the ones still active: as Argo's cron
   * controller counts a workflow of its `status.active` once, when it completes. Reads only the active runs, so a
   * schedule's cost does not grow with the runs it has started. A run the store no longer has is dropped uncounted.
   */
  private async countFinished(
    schedule: ScheduleRecord,
  ): Promise<Pick<ScheduleRecord, "succeeded" | "failed"> & { activeRuns: string[] }> {
    let { succeeded, failed } = schedule;
    const activeRuns: string[] = [];
    for (const runId of schedule.activeRuns ?? []) {
      const run = await this.deps.runs.getRun(runId);
      if (run && !isTerminal(run.status)) activeRuns.push(runId);
      else if (run?.status === "Succeeded") succeeded += 1;
      // Argo ends a stopped or terminated workflow Failed, and counts it so.
      else if (run) failed += 1;
    }
    return { succeeded, failed, activeRuns };
  }

  private view(schedule: ScheduleRecord): ScheduleView {
    if (schedule.suspended || schedule.stopped) return schedule;
    const now = this.now();
    try {
      const nextFireTimes = schedule.schedules.map((s) =>
        parseCronSchedule(s, schedule.timezone).next(now).toISOString(),
      );
      return { ...schedule, nextFireTimes };
    } catch {
      return schedule;
    }
  }
}

/** The latest firing of any of the schedule's expressions after its cursor and at or before `now`. */
export function dueFiring(schedule: ScheduleRecord, now: Date): Date | undefined {
  const after = new Date(schedule.firedUpTo ?? schedule.installedAt);
  let latest: Date | undefined;
  for (const expression of schedule.schedules) {
    const fire = parseCronSchedule(expression, schedule.timezone).latestBetween(after, now);
    if (fire && (!latest || fire > latest)) latest = fire;
  }
  return latest;
}

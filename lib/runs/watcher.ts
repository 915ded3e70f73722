import type { Workflow } from "../argo";
import { COMPLETED_SELECTOR, unstartedVerdict } from "../engine/argo/sweep";
import { LABEL_PIPELINE, LABEL_RUN_ID, LABEL_VERSION } from "../engine/labels";
import { DETAIL_TYPES, type WorkflowStatusChangeDetail } from "../events/contracts";
import { runCompletedEvent, runStatusChangeEvent } from "../events/run-events";
import type { ArtifactReader } from "../ports/artifact-reader";
import type { CompletionOutbox } from "../ports/completion-outbox";
import type { Engine, WorkflowRef } from "../ports/engine";
import { WorkflowNotFoundError } from "../ports/engine-errors";
import type { BusEvent, EventBus } from "../ports/event-bus";
import type { RunRecord, RunStore, StatusUpdate, StatusUpdateResult } from "../ports/run-store";
import type { SpecStore } from "../ports/spec-store";
import { withArtifactSizes } from "./artifact-sizes";
import { RunNotFoundError } from "./errors";
import { withStderrTails } from "./failure-tails";
import { pool } from "./pool";
import { isTerminal } from "./status";
import { type RunSnapshot, snapshotOf } from "./workflow-mapping";

export interface WatcherOptions {
  /**
   * A run whose workflow never got a status (or was never found in the engine) this long after its creation
   * becomes `Error`, with a message naming the likely causes. Default: 5 minutes.
   */
  noStatusTimeoutMs?: number;
  /**
   * How long a terminal run's completion may stay unconfirmed before the sweep publishes it itself (its writer
   * crashed or could not publish). Shorter risks a duplicate with a slow writer. Default: 1 minute.
   */
  completionGraceMs?: number;
  /** Runs and workflows the sweep handles at the same time. Default: 8. */
  concurrency?: number;
  /** Page size of the sweep's listings. Default: 100. */
  pageSize?: number;
  /** How long reading one failed step's log tail may take before the run is recorded without it. Default: 5 s. */
  logTailTimeoutMs?: number;
  /** Clock. Default: `() => new Date()`. */
  now?: () => Date;
}

const defaults = {
  noStatusTimeoutMs: 5 * 60_000,
  completionGraceMs: 60_000,
  concurrency: 8,
  pageSize: 100,
  logTailTimeoutMs: 5_000,
  now: () => new Date(),
};

export interface WatcherDeps {
  runs: RunStore;
  outbox: CompletionOutbox;
  engine: Engine;
  bus: EventBus;
  /** The Skiff bucket: a failed step's archived log when its pod's log is gone (Argo's `archiveLogs`). */
  specs?: SpecStore;
  /** The Skiff bucket's artifacts: their sizes, recorded with a run's final status. Without it, sizes stay unknown. */
  artifacts?: Pick<ArtifactReader, "sizeOf">;
}

export type ReconcileAction =
  /** The engine's state was newer and was written. */
  | "applied"
  /** Nothing newer than what is stored (a duplicate or late event, or a terminal run). */
  | "unchanged"
  /** A workflow carrying a run id that the store did not know: recorded. */
  | "adopted"
  /** The workflow is gone from the engine (or never showed up): the run was closed as `Error`. */
  | "gone"
  /** The workflow is not visible yet and the run is within its grace period: looked at again by the sweep. */
  | "waiting"
  /** Neither the store nor the engine knows the run. */
  | "unknown"
  /** The sweep published a completion that its writer left unconfirmed. */
  | "published";

export interface ReconcileOutcome {
  runId: string;
  action: ReconcileAction;
  status?: RunRecord["status"];
  /** Detail-types published for this run by this call. */
  published: string[];
}

export interface SweepReport {
  activeRunsChecked: number;
  completedWorkflowsChecked: number;
  outcomes: ReconcileOutcome[];
  /** Failures of single runs; the sweep goes on with the others and reports them here. */
  errors: Array<{ runId?: string; workflow?: string; message: string }>;
}

/**
 * Keeps the run records in step with the engine. Every path reads the authoritative workflow from the engine
 * and writes through `RunStore.applyStatus` (conditional, monotonic), so duplicate and out-of-order triggers
 * are harmless; only the writer that moved a run into a terminal status publishes `Pipeline Run Completed`.
 */
export class Watcher {
  private readonly options: Required<WatcherOptions>;

  constructor(
    private readonly deps: WatcherDeps,
    options: WatcherOptions = {},
  ) {
    this.options = { ...defaults, ...options };
  }

  /** Events of one run being handled in this process, in order (see handleStatusChange). */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  /**
   * Handles one engine status-change event (`skiff.engine` / `Workflow Status Change`). Events of the same run
   * that arrive while one is being handled wait for it, then read the engine afresh: a burst of events costs
   * one write of what changed instead of a race of writers (across processes the conditional writes decide).
   */
  async handleStatusChange(detail: WorkflowStatusChangeDetail): Promise<ReconcileOutcome> {
    const before = this.inFlight.get(detail.runId);
    const mine = (before ?? Promise.resolve()).catch(() => undefined).then(() => this.handleOne(detail));
    this.inFlight.set(detail.runId, mine);
    try {
      return await mine;
    } finally {
      if (this.inFlight.get(detail.runId) === mine) this.inFlight.delete(detail.runId);
    }
  }

  /**
   * The event is only a hint (it may come from the exit notifier, which anyone allowed to put events on the bus could
   * forge): what is recorded is what the engine says about the workflow, never the event's phase. An event naming a
   * workflow the engine does not have proves nothing either: the run's own workflow, found from its record, decides.
   */
  private async handleOne(detail: WorkflowStatusChangeDetail): Promise<ReconcileOutcome> {
    const workflow = await this.getWorkflow({
      namespace: detail.namespace,
      name: detail.workflowName,
      uid: detail.uid,
    });
    if (!workflow) {
      const run = await this.deps.runs.getRun(detail.runId);
      return this.reconcile(detail.runId, run, run ? await this.findWorkflow(run) : undefined);
    }
    if (workflow.metadata.labels?.[LABEL_RUN_ID] !== detail.runId) {
      // The event names a workflow that belongs to another run (a recycled name): not this run's news.
      return { runId: detail.runId, action: "unchanged", published: [] };
    }
    // The common case needs no read of its own: applyStatus reads the run once, and says when it is unknown.
    try {
      return await this.apply(detail.runId, workflow, "applied");
    } catch (error) {
      if (!(error instanceof RunNotFoundError)) throw error;
      return this.reconcile(detail.runId, undefined, workflow);
    }
  }

  /**
   * The scheduled sweep: runs that are not terminal in the store are checked against the engine (finished,
   * gone or never started), and completed engine workflows whose run id the store does not know are recorded.
   */
  async sweep(): Promise<SweepReport> {
    const report: SweepReport = {
      activeRunsChecked: 0,
      completedWorkflowsChecked: 0,
      outcomes: [],
      errors: [],
    };
    await this.publishPendingCompletions(report);
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.deps.runs.listActiveRuns({ limit: this.options.pageSize, cursor });
      cursor = page.cursor;
      report.activeRunsChecked += page.items.length;
      await pool(page.items, this.options.concurrency, async (run) => {
        seen.add(run.runId);
        try {
          report.outcomes.push(await this.reconcile(run.runId, run, await this.findWorkflow(run)));
        } catch (error) {
          report.errors.push({ runId: run.runId, message: (error as Error).message });
        }
      });
    } while (cursor);

    let token: string | undefined;
    do {
      const page = await this.deps.engine.list({
        labelSelector: COMPLETED_SELECTOR,
        limit: this.options.pageSize,
        continue: token,
      });
      token = page.continue;
      report.completedWorkflowsChecked += page.items.length;
      await pool(page.items, this.options.concurrency, async (workflow) => {
        const runId = workflow.metadata.labels?.[LABEL_RUN_ID];
        if (!runId || seen.has(runId)) return;
        try {
          const run = await this.deps.runs.getRun(runId);
          if (run && isTerminal(run.status) && !isLaterAttempt(run, workflow.status?.startedAt)) return;
          report.outcomes.push(await this.reconcile(runId, run, workflow));
        } catch (error) {
          report.errors.push({ runId, workflow: workflow.metadata.name, message: (error as Error).message });
        }
      });
    } while (token);
    return report;
  }

  /** Brings one run in line with its workflow (read from the engine just before). */
  private async reconcile(
    runId: string,
    run: RunRecord | undefined,
    workflow: Workflow | undefined,
  ): Promise<ReconcileOutcome> {
    if (!workflow) {
      if (!run) return { runId, action: "unknown", published: [] };
      return this.closeMissing(run);
    }
    let action: ReconcileAction = "applied";
    if (!run) {
      await this.deps.runs.createRun(this.runFromWorkflow(runId, workflow));
      action = "adopted";
    }
    return this.apply(runId, workflow, action);
  }

  private async apply(runId: string, workflow: Workflow, action: ReconcileAction): Promise<ReconcileOutcome> {
    const snapshot = snapshotOf(workflow, runId, this.deps.engine.kind);
    const verdict = unstartedVerdict(workflow, this.options.now(), this.options.noStatusTimeoutMs);
    const update: StatusUpdate = verdict
      ? { ...snapshot, status: "Error", message: verdict.message }
      : snapshot;
    return this.write(await this.withFinalDetails(update, workflow), action);
  }

  /**
   * A final snapshot gets what is read once per run: failed steps' stderr tails and artifact sizes. They are read
   * only when this write can still be the final one (the run is not terminal, or this is a retry's new attempt),
   * so duplicate events of a finished run cost no reads.
   */
  private async withFinalDetails(update: StatusUpdate, workflow: Workflow): Promise<StatusUpdate> {
    if (!isTerminal(update.status)) return update;
    const { artifacts } = this.deps;
    const tails = Boolean(update.failedSteps?.length);
    const sizes = Boolean(artifacts) && update.steps.some((s) => s.inputArtifacts || s.outputArtifacts);
    if (!tails && !sizes) return update;
    const stored = await this.deps.runs.getRun(update.runId);
    if (stored && isTerminal(stored.status) && !isLaterAttempt(stored, update.startedAt)) return update;
    const withTails = tails ? await this.withTails(update, workflow) : update;
    return artifacts ? withArtifactSizes(withTails, { sizeOf: (key) => artifacts.sizeOf(key) }) : withTails;
  }

  /** A final snapshot's failed steps with their stderr tails. */
  private async withTails(update: StatusUpdate, workflow: Workflow): Promise<StatusUpdate> {
    const ref = {
      namespace: workflow.metadata.namespace ?? update.engine?.namespace ?? "default",
      name: workflow.metadata.name ?? "",
      uid: workflow.metadata.uid,
    };
    const { specs } = this.deps;
    return withStderrTails(this.deps.engine, ref, update, {
      timeoutMs: this.options.logTailTimeoutMs,
      ...(specs ? { readArchive: async (key: string) => (await specs.get(key))?.body } : {}),
    });
  }

  /** No workflow: never created, deleted, or garbage-collected before the final status was recorded. */
  private async closeMissing(run: RunRecord): Promise<ReconcileOutcome> {
    if (isTerminal(run.status))
      return { runId: run.runId, action: "unchanged", status: run.status, published: [] };
    const age = this.options.now().getTime() - Date.parse(run.createdAt);
    const neverSeen = run.status === "Pending" && !run.startedAt;
    // A pending run may simply not be submitted yet: give it the same grace as a workflow without a status.
    if (neverSeen && !(age >= this.options.noStatusTimeoutMs)) {
      return { runId: run.runId, action: "waiting", status: run.status, published: [] };
    }
    const where = `${run.engine.namespace}/${run.engine.workflowName ?? `(run ${run.runId})`}`;
    const message = neverSeen
      ? `workflow ${where} was not found in the ${run.engine.kind} engine ${Math.round(age / 1000)}s after the run was created; likely causes: the submission failed or never happened, the Workflow CRD is missing, RBAC forbids reading workflows in namespace "${run.engine.namespace}", or the workflow was deleted`
      : `workflow ${where} no longer exists in the ${run.engine.kind} engine (deleted or garbage-collected) and its final status was never recorded; last known status: ${run.status}`;
    // No steps: the last recorded steps stay as they were.
    return this.write({ runId: run.runId, status: "Error", message, steps: [] }, "gone");
  }

  /** The outbox: completions whose writer did not confirm them within the grace period. */
  private async publishPendingCompletions(report: SweepReport): Promise<void> {
    const cutoff = this.options.now().getTime() - this.options.completionGraceMs;
    let cursor: string | undefined;
    do {
      const page = await this.deps.outbox.listPendingCompletions({ limit: this.options.pageSize, cursor });
      cursor = page.cursor;
      const due = page.items.filter((p) => Date.parse(p.since) <= cutoff);
      await pool(due, this.options.concurrency, async ({ run }) => {
        try {
          await this.deps.bus.publish([runCompletedEvent(run, this.options.now)]);
          await this.deps.outbox.markCompletionPublished(run.runId);
          report.outcomes.push({
            runId: run.runId,
            action: "published",
            status: run.status,
            published: [DETAIL_TYPES.runCompleted],
          });
        } catch (error) {
          report.errors.push({ runId: run.runId, message: (error as Error).message });
        }
      });
    } while (cursor);
  }

  private async write(update: StatusUpdate, action: ReconcileAction): Promise<ReconcileOutcome> {
    let result = await this.deps.runs.applyStatus(update);
    if (!result.applied && isLaterAttempt(result.run, update.startedAt)) {
      // Argo's retry ran the same workflow again (it restarts `startedAt`): a new attempt of a finished run.
      const reopened = await this.deps.runs.reopenRun(update.runId, { startedAt: update.startedAt });
      result = await this.deps.runs.applyStatus(update);
      // Reopening was the write (a running snapshot adds nothing to it); the new attempt's end is recorded later.
      if (!result.applied)
        result = { applied: true, becameTerminal: false, previousStatus: reopened.status, run: reopened };
    }
    const events = this.eventsFor(result);
    if (events.length) await this.deps.bus.publish(events);
    // Only after the bus took it: until then the outbox keeps the completion for the sweep.
    if (result.becameTerminal) await this.deps.outbox.markCompletionPublished(update.runId);
    return {
      runId: update.runId,
      action: result.applied || action === "adopted" ? action : "unchanged",
      status: result.run.status,
      published: events.map((e) => e.detailType),
    };
  }

  private eventsFor(result: StatusUpdateResult): BusEvent[] {
    if (result.becameTerminal) return [runCompletedEvent(result.run, this.options.now)];
    if (result.applied && result.previousStatus !== result.run.status) {
      return [runStatusChangeEvent(result.run, result.previousStatus)];
    }
    return [];
  }

  /** The run's workflow: by name when recorded, else by the run-id label (the run may predate the submit's answer). */
  private async findWorkflow(run: RunRecord): Promise<Workflow | undefined> {
    if (run.engine.workflowName) {
      return this.getWorkflow({
        namespace: run.engine.namespace,
        name: run.engine.workflowName,
        uid: run.engine.uid,
      });
    }
    const page = await this.deps.engine.list({ labelSelector: `${LABEL_RUN_ID}=${run.runId}`, limit: 1 });
    return page.items[0];
  }

  private async getWorkflow(ref: WorkflowRef): Promise<Workflow | undefined> {
    try {
      return await this.deps.engine.get(ref);
    } catch (error) {
      // A uid mismatch means the name now belongs to another workflow: this run's workflow is gone.
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  private runFromWorkflow(runId: string, workflow: Workflow): RunRecord {
    const labels = workflow.metadata.labels ?? {};
    const parameters: Record<string, string> = {};
    for (const p of workflow.spec?.arguments?.parameters ?? []) {
      if (p.value !== undefined) parameters[p.name] = String(p.value);
    }
    const generated = workflow.metadata.generateName?.replace(/-$/, "");
    return {
      runId,
      pipeline: labels[LABEL_PIPELINE] ?? generated ?? workflow.metadata.name ?? "unknown",
      version: labels[LABEL_VERSION] ?? "unknown",
      status: "Pending",
      parameters,
      engine: {
        kind: this.deps.engine.kind,
        namespace: workflow.metadata.namespace ?? "default",
        workflowName: workflow.metadata.name,
        uid: workflow.metadata.uid,
      },
      createdAt: workflow.metadata.creationTimestamp ?? this.options.now().toISOString(),
    };
  }
}

/** A terminal run whose workflow has started again since (a retry): its snapshot opens a new attempt. */
function isLaterAttempt(run: RunRecord, workflowStartedAt: string | undefined): boolean {
  if (!isTerminal(run.status) || !run.startedAt || !workflowStartedAt) return false;
  return Date.parse(workflowStartedAt) > Date.parse(run.startedAt);
}

export type { RunSnapshot };

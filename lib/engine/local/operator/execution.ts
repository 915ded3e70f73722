import { mkdir, rm } from "node:fs/promises";
import type { NodeStatus, Workflow } from "../../../argo";
import { LABEL_COMPLETED, LABEL_PHASE } from "../../../argo/labels";
import { failedOrError, type NodePhase } from "../../../argo/phases";
import { updateProgress } from "../../../argo/progress";
import type { LogBook } from "../logs";
import type { NodeTable } from "../nodes";
import { rfc3339 } from "../time";
import { applyWorkflowMetadata } from "../workflow-metadata";
import { workflowVariables } from "../workflow-vars";
import { RunContext, type RunEnvironment } from "./context";
import type { HaltKind } from "./control";
import { runWorkflowExitHandler, setExitVariables } from "./exit-handlers";
import { workflowPhaseOf } from "./hooks";
import { acquireLocks } from "./synchronization";

/**
 * One workflow's execution on the local engine, with Argo's semantics, writing Argo's status into `wf.status`:
 * the entrypoint, then the exit handler, under the workflow's locks and deadline. (Not a Skiff Run: a Run may
 * have several executions, through retry and resubmit.)
 */
export class WorkflowExecution {
  private readonly ctx: RunContext;
  /** The engine's key for this execution (namespace/name), set by the engine. */
  feedKey: string | undefined;
  done: Promise<void> = Promise.resolve();

  constructor(
    readonly wf: Workflow,
    env: RunEnvironment,
    private readonly notify: () => void,
  ) {
    this.ctx = new RunContext(wf, env, notify);
    if (wf.spec.suspend) this.setSuspended(true);
  }

  get name(): string {
    return this.ctx.name;
  }

  get table(): NodeTable {
    return this.ctx.table;
  }

  get logs(): LogBook {
    return this.ctx.logs;
  }

  /** Starts the execution; `done` settles when the workflow is complete. */
  start(): void {
    this.done = this.run().catch((error: unknown) => {
      const status = this.wf.status ?? {};
      status.phase = "Error";
      status.message = error instanceof Error ? error.message : String(error);
      this.finish();
    });
  }

  halt(kind: HaltKind): void {
    this.ctx.control.halt(kind);
  }

  /** `spec.suspend`: no new node starts while suspended; running steps continue. */
  setSuspended(suspended: boolean): void {
    this.ctx.control.setSuspended(suspended);
  }

  /** Active suspend nodes (type Suspend, phase Running). */
  activeSuspendNodes(): NodeStatus[] {
    return this.ctx.suspends.active();
  }

  /**
   * Resumes a suspend node (Argo's resume / `node set`): supplied outputs take `values`, else `valueFrom.default`,
   * else the same-named input's default. Throws before changing anything when one has no value.
   */
  resumeNode(node: NodeStatus, values?: Record<string, string>, phase?: NodePhase, message?: string): void {
    this.ctx.suspends.resume(node, values, phase, message);
  }

  /** `status.progress` and every node's progress, by Argo's rules (lib/argo/progress.ts). */
  updateProgress(): void {
    if (this.wf.status) updateProgress(this.wf.status);
  }

  private async run(): Promise<void> {
    const { ctx, wf } = this;
    const status = wf.status ?? {};
    wf.status = status;
    const startedAt = new Date();
    status.startedAt = rfc3339(startedAt);
    delete status.finishedAt;
    delete status.message;
    Object.assign(ctx.globals.vars, workflowVariables(wf));
    try {
      applyWorkflowMetadata(wf, ctx.globals.vars);
    } catch (error) {
      // Argo's markWorkflowError on a failed updateWorkflowMetadata: nothing runs.
      status.phase = "Error";
      status.message = error instanceof Error ? error.message : String(error);
      this.finish();
      return;
    }
    await mkdir(ctx.dir, { recursive: true });

    const entry = wf.spec.entrypoint;
    if (!entry || !ctx.templates.has(entry)) {
      status.phase = "Failed";
      status.message = `invalid spec: spec.entrypoint ${entry ? `template ${entry} not found` : "is required"}`;
      this.finish();
      return;
    }

    // Workflow-level synchronization: Pending until the lock is ours.
    const releases = await acquireLocks(ctx, wf.spec.synchronization, () => {
      status.phase = "Pending";
      this.setPhaseLabel("Pending");
      this.notify();
    });
    status.phase = "Running";
    // Argo's setGlobalRuntimeParameters: `{{workflow.status}}` is the workflow's phase while it runs.
    ctx.globals.vars["workflow.status"] = "Running";
    this.setPhaseLabel("Running");
    this.notify();
    const deadline = wf.spec.activeDeadlineSeconds;
    let deadlineTimer: NodeJS.Timeout | undefined;
    if (deadline !== undefined && deadline !== null) {
      const ms = Math.floor(startedAt.getTime() / 1000) * 1000 + deadline * 1000 - Date.now();
      deadlineTimer = setTimeout(() => this.halt("Deadline"), Math.max(0, ms));
    }
    try {
      const root = await ctx.execute({
        nodeName: this.name,
        templateName: entry,
        args: {
          parameters: wf.spec.arguments?.parameters ?? [],
          artifacts: wf.spec.arguments?.artifacts ?? [],
        },
        onExit: false,
        captureResult: false,
      });
      const outcome = await this.conclude(root, startedAt);
      status.phase = outcome.phase;
      if (outcome.message) status.message = outcome.message;
      else delete status.message;
    } finally {
      for (const release of releases) release();
      if (deadlineTimer) clearTimeout(deadlineTimer);
    }
    this.finish();
  }

  /**
   * The workflow's phase and message once its entrypoint node is done: after its hooks and exit handler, as
   * Argo's operate words them.
   */
  private async conclude(root: NodeStatus, startedAt: Date): Promise<{ phase: string; message?: string }> {
    const { ctx } = this;
    const entryError = ctx.templateErrors.get(root);
    // Argo's operate: markWorkflowError and return; neither hooks nor the exit handler run.
    if (entryError !== undefined)
      return { phase: "Error", message: `error in entry template execution: ${entryError}` };
    let phase = root.phase === "Failed" || root.phase === "Error" ? root.phase : "Succeeded";
    let message = root.message;
    const halted = ctx.control.halted;
    if (halted && halted.kind !== "Deadline") {
      phase = "Failed";
      message = `Stopped with strategy '${halted.kind}'`;
    }
    // The entrypoint is done: workflow-level hooks are looked at once more, with `workflow.status` its outcome
    // (a `workflow.status == "Succeeded"` hook fires now), and the exit handler waits for every hook that fired.
    setExitVariables(ctx, workflowPhaseOf(root.phase), startedAt);
    ctx.hooks.evaluateWorkflowHooks();
    await ctx.hooks.settled();
    const exit =
      ctx.control.halted?.kind !== "Terminate" ? runWorkflowExitHandler(ctx, phase, startedAt) : undefined;
    if (exit) {
      const exitNode = await exit;
      const exitError = ctx.templateErrors.get(exitNode);
      if (exitError !== undefined) {
        // markWorkflowError, whatever the entrypoint's outcome (Argo's wording, space before the colon).
        phase = "Error";
        message = `error in exit template execution : ${exitError}`;
      } else if (phase === "Succeeded" && failedOrError(exitNode.phase)) {
        phase = exitNode.phase as string;
        message = exitNode.message;
      }
    }
    await ctx.hooks.settled();
    return message ? { phase, message } : { phase };
  }

  private finish(): void {
    const status = this.wf.status ?? {};
    status.finishedAt = rfc3339();
    this.updateProgress();
    status.conditions = [
      { type: "PodRunning", status: "False" },
      { type: "Completed", status: "True" },
    ];
    this.setPhaseLabel(status.phase ?? "Error");
    const labels = this.wf.metadata.labels ?? {};
    labels[LABEL_COMPLETED] = "true";
    this.wf.metadata.labels = labels;
    this.notify();
    const cleanup = this.ctx.env.options.cleanWorkDirs;
    void this.ctx.logs
      .close()
      .then(() => (cleanup ? rm(this.ctx.dir, { recursive: true, force: true }) : undefined));
  }

  private setPhaseLabel(phase: string): void {
    const labels = this.wf.metadata.labels ?? {};
    labels[LABEL_PHASE] = phase;
    labels[LABEL_COMPLETED] ??= "false";
    this.wf.metadata.labels = labels;
  }
}

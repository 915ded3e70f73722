import type { StepArtifact, StepRecord } from "../ports/run-store";

/** A step's artifact with the side it is on. */
export type StepArtifactView = StepArtifact & { direction: "input" | "output" };

import type { ApiClient, RunCreated, RunView } from "./client";
import { NotFoundError, RunFailedError, TimeoutError } from "./errors";
import { formatMs, isTerminalStatus, waitForRun } from "./wait";

/** One log line of a step, as `logs()` yields it. */
export interface RunLogLine {
  stepId: string;
  /** The step's display name. */
  step: string;
  time: string;
  stream: "stdout" | "stderr";
  text: string;
}

export interface WaitOptions {
  /** Reject with TimeoutError after this long; no limit when absent. */
  timeoutMs?: number;
  /** First poll interval (it grows while nothing changes). Default 250 ms. */
  intervalMs?: number;
  /** Called with the run whenever its status or steps change. */
  onChange?: (run: RunView) => void;
  signal?: AbortSignal;
}

export interface LogsOptions {
  /** Keep yielding new lines until the run is finished. */
  follow?: boolean;
  /** With follow: give up (TimeoutError) after this long. */
  timeoutMs?: number;
  /** With follow: how often to look for new lines. Default 500 ms. */
  intervalMs?: number;
  signal?: AbortSignal;
}

/** Phases whose steps have produced no log (yet, or at all). */
const NO_LOGS = new Set(["Pending", "Skipped", "Omitted"]);

/**
 * A handle on one run, by id, from any process (Temporal's workflow handle): reads and controls the run
 * through the API. Holding a handle costs nothing; every method is one or more requests.
 */
export class RunHandle {
  constructor(
    readonly id: string,
    private readonly api: ApiClient,
    /** What the API answered when this handle's run was created (absent for a handle from `runs.get`). */
    readonly created?: RunCreated,
  ) {}

  /** The run as recorded, with its steps (live from the engine while it runs). */
  describe(): Promise<RunView> {
    return this.api.getRun(this.id);
  }

  /** The artifacts each step took in and produced, as recorded (a finished run's) or live (a running one's). */
  async artifacts(step?: string): Promise<Array<StepRecord & { artifacts: StepArtifactView[] }>> {
    const steps = await this.steps();
    return steps
      .filter((s) => !step || s.stepId === step || s.name === step || s.displayName === step)
      .map((s) => ({
        ...s,
        artifacts: [
          ...(s.inputArtifacts ?? []).map((a) => ({ ...a, direction: "input" as const })),
          ...(s.outputArtifacts ?? []).map((a) => ({ ...a, direction: "output" as const })),
        ],
      }))
      .filter((s) => s.artifacts.length > 0);
  }

  /** One artifact's bytes as stored (Argo's tar+gzip unless stored unarchived; see archive.ts to unpack). */
  downloadArtifact(step: string, name: string): Promise<Uint8Array> {
    return this.api.downloadArtifact(this.id, step, name);
  }

  /** The run's steps (Argo's nodes). */
  async steps(): Promise<StepRecord[]> {
    return (await this.describe()).steps;
  }

  /** Waits until the run is finished, whatever its phase, and answers it. */
  wait(options: WaitOptions = {}): Promise<RunView> {
    return waitForRun(this.api, this.id, options);
  }

  /**
   * The run's outputs once it Succeeded; a RunFailedError (its failed steps and their messages) when it ended
   * otherwise; a TimeoutError when `timeoutMs` passes first.
   */
  async result(options: WaitOptions = {}): Promise<Record<string, string>> {
    const run = await this.wait(options);
    if (run.status !== "Succeeded") throw new RunFailedError(run);
    return run.outputs ?? {};
  }

  /**
   * The log lines of one step (by id, name or display name) or of every pod step, in order per step. With
   * `follow`, lines keep coming until the run is finished.
   */
  async *logs(step?: string, options: LogsOptions = {}): AsyncGenerator<RunLogLine> {
    const printed = new Map<string, number>();
    const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
    for (;;) {
      const run = await this.describe();
      const steps = run.steps.filter((s) =>
        step === undefined
          ? s.type === "Pod"
          : s.stepId === step || s.name === step || s.displayName === step,
      );
      if (step !== undefined && steps.length === 0 && (!options.follow || isTerminalStatus(run.status))) {
        throw new NotFoundError(404, {
          error: "not-found",
          message: `run ${this.id} has no step "${step}"; list them with skiff get ${this.id}`,
          details: [
            { field: "step", message: "no step with this id, name or display name", code: "unknown" },
          ],
        });
      }
      for (const s of steps) {
        if (NO_LOGS.has(s.phase)) continue;
        let lines: Awaited<ReturnType<ApiClient["stepLogs"]>>["lines"];
        try {
          lines = (await this.api.stepLogs(this.id, s.stepId)).lines;
        } catch (error) {
          // A step whose pod has not started writing has no log yet.
          if (error instanceof NotFoundError) continue;
          throw error;
        }
        const from = printed.get(s.stepId) ?? 0;
        for (const line of lines.slice(from)) {
          yield { stepId: s.stepId, step: s.displayName || s.name, ...line };
        }
        printed.set(s.stepId, Math.max(from, lines.length));
      }
      if (!options.follow || isTerminalStatus(run.status)) return;
      options.signal?.throwIfAborted();
      if (deadline !== undefined && Date.now() >= deadline) {
        throw new TimeoutError(
          `run ${this.id} still ${run.status} after following its logs for ${formatMs(options.timeoutMs ?? 0)}`,
        );
      }
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 500));
    }
  }

  /** Argo's stop: running steps stop, exit handlers still run. */
  stop(): Promise<RunCreated> {
    return this.api.action(this.id, "stop");
  }
  /** Argo's terminate: everything stops, exit handlers are skipped. */
  terminate(): Promise<RunCreated> {
    return this.api.action(this.id, "terminate");
  }
  /** Runs a failed run's failed steps again; the same run (this handle) goes on. */
  async retry(): Promise<RunHandle> {
    await this.api.action(this.id, "retry");
    return this;
  }
  /** Runs the run again with the same parameters: a new run, and its handle. */
  async resubmit(): Promise<RunHandle> {
    const created = await this.api.action(this.id, "resubmit");
    return new RunHandle(created.runId, this.api, created);
  }
  /**
   * Resumes the run's suspended steps (one, by id, name or display name, with `node`), setting a suspend
   * template's output parameters first as `argo node set -p` does. Answers the ids of the steps resumed.
   */
  async resume(options: { node?: string; parameters?: Record<string, string> } = {}): Promise<string[]> {
    return (await this.api.resume(this.id, options)).resumed;
  }
}

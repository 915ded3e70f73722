import type { RunRecord, RunStatus, StepRecord } from "../../ports/run-store";

const FINISHED: readonly RunStatus[] = ["Succeeded", "Failed", "Error", "Stopped", "Terminated"];

/** A run in a final status: its record no longer changes (until a retry reopens it). */
export const isFinished = (status: RunStatus): boolean => FINISHED.includes(status);

/** A step still to finish: its logs may grow. */
export const isStepActive = (step: Pick<StepRecord, "phase">): boolean =>
  step.phase === "Running" || step.phase === "Pending";

/**
 * What the Run view shows of a snapshot, as one string: a poll whose answer has the same signature changed
 * nothing on screen, and backs off.
 */
export function runSignature(run: RunRecord & { steps?: StepRecord[] }): string {
  const steps = (run.steps ?? [])
    .map(
      (s) => `${s.stepId}:${s.phase}:${s.finishedAt ?? ""}:${s.message ?? ""}:${(s.children ?? []).length}`,
    )
    .join(",");
  return `${run.status}|${run.message ?? ""}|${run.finishedAt ?? ""}|${steps}`;
}

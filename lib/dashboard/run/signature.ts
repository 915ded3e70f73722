import type { RunRecord, StepRecord } from "../../ports/run-store";
import { isTerminal } from "../../runs/status";

/** A run in a final status: its record no longer changes (until a retry reopens it). */
export const isFinished = isTerminal;

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

import { type RunStatus, TERMINAL_RUN_STATUSES } from "../ports/run-store";

/** Order of run statuses: a write may only move a run up this ladder (terminal statuses share the top rung). */
export function statusRank(status: RunStatus): number {
  if (status === "Pending") return 0;
  if (status === "Running") return 1;
  return 2;
}

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}

/** Argo node phases: Pending < Running < fulfilled (Succeeded, Failed, Error, Skipped, Omitted). */
export function nodePhaseRank(phase: string | undefined): number {
  if (!phase || phase === "Pending") return 1;
  if (phase === "Running") return 2;
  return 3;
}

/**
 * A number that grows with every observable change of a run in the engine: the status rung dominates, then
 * the step phases summed (new nodes and advancing phases both increase it). Writes carry it so that an older
 * snapshot of the same run, arriving late, is recognised and dropped.
 */
export function runProgress(status: RunStatus, stepPhases: Iterable<string | undefined>): number {
  let sum = 0;
  for (const phase of stepPhases) sum += nodePhaseRank(phase);
  return statusRank(status) * 1_000_000_000 + sum;
}

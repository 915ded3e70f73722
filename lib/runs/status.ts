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

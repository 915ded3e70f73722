import { EXECUTABLE_NODE_TYPES } from "../../argo/progress";
import type { StepRecord } from "../../ports/run-store";

/** Phases Argo counts as done in a run's progress (lib/argo/progress.ts's `updateProgress`). */
const DONE = new Set(["Succeeded", "Skipped", "Omitted"]);

/**
 * A run's progress as Argo reports it: executable steps (the node types whose progress is their own) done of
 * those the run has so far.
 */
export function progressOf(steps: readonly StepRecord[]): { done: number; total: number } {
  let done = 0;
  let total = 0;
  for (const step of steps) {
    if (!EXECUTABLE_NODE_TYPES.has(step.type)) continue;
    total++;
    if (DONE.has(step.phase)) done++;
  }
  return { done, total };
}

/**
 * How long from `from` to `to` (to now while unfinished), as `850ms`, `4.2s`, `3m 05s` or `2h 03m`; empty
 * when it has not started or the times cannot be read.
 */
export function formatDuration(from: string | undefined, to: string | undefined, now: number): string {
  if (!from) return "";
  const ms = (to ? Date.parse(to) : now) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 0) return "";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${pad(seconds % 60)}s`;
  return `${Math.floor(seconds / 3600)}h ${pad(Math.floor((seconds % 3600) / 60))}m`;
}

/** When something happened, as people say it (`12s ago`, `5 min ago`, `3 h ago`, `4 d ago`); empty if unreadable. */
export function formatAgo(at: string | undefined, now: number): string {
  if (!at) return "";
  const ms = now - Date.parse(at);
  if (!Number.isFinite(ms)) return "";
  if (ms < 60_000) return `${Math.max(0, Math.floor(ms / 1000))}s ago`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ago`;
  return `${Math.floor(ms / 86_400_000)} d ago`;
}

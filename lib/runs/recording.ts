import type { RunRecord, StatusUpdate } from "../ports/run-store";
import { isTerminal, statusRank } from "./status";

/**
 * What a status update is worth writing, given the stored run:
 * - `skip`: nothing the record keeps would change (a duplicate, a late snapshot, progress of steps only,
 *   anything after a terminal status, or a snapshot from before the run was reopened);
 * - `run`: the run item alone (it moved up a status, or learnt its workflow's identity or start time);
 * - `final`: the terminal record, the run with all its steps and the completion outbox entry.
 *
 * Steps are recorded once, with the terminal status, as Argo archives a workflow when it completes; while a
 * run is active its live steps come from the engine. This is what bounds the writes per run to
 * 1 + ⌈steps/25⌉ however many status events the engine sends.
 */
export type Recording = "skip" | "run" | "final";

export interface StoredRun {
  run: RunRecord;
  /** `status.startedAt` of the attempt the run is on, when it was reopened for a retry. */
  attemptStartedAt?: string;
}

export function recordingOf(stored: StoredRun, update: StatusUpdate): Recording {
  const { run } = stored;
  if (isTerminal(run.status) || fromEarlierAttempt(stored.attemptStartedAt, update.startedAt)) return "skip";
  if (isTerminal(update.status)) return "final";
  if (statusRank(update.status) > statusRank(run.status)) return "run";
  if (statusRank(update.status) < statusRank(run.status)) return "skip";
  if (update.startedAt !== undefined && run.startedAt === undefined) return "run";
  return addsEngineIdentity(run, update) ? "run" : "skip";
}

/**
 * The same state, but naming the workflow for the first time (the submit's answer after the run was created):
 * worth writing, or the run would not know its workflow until the engine's next change.
 */
function addsEngineIdentity(current: RunRecord, update: StatusUpdate): boolean {
  const engine = update.engine;
  if (!engine) return false;
  return (
    (engine.workflowName !== undefined && current.engine.workflowName === undefined) ||
    (engine.uid !== undefined && current.engine.uid === undefined)
  );
}

/** A snapshot of the workflow from before the run was reopened for a retry. */
function fromEarlierAttempt(attemptStartedAt: string | undefined, startedAt: string | undefined): boolean {
  if (attemptStartedAt === undefined || startedAt === undefined) return false;
  return Date.parse(startedAt) < Date.parse(attemptStartedAt);
}

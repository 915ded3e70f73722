import { FAILURE_BOUNDS, stderrTailOf } from "../events/failure-detail";
import type { Engine, LogLine, WorkflowRef } from "../ports/engine";
import type { StatusUpdate, StepRecord } from "../ports/run-store";
import { archivedLogKeys } from "./step-logs";

/** Node types that run a container, and so have a log to take a tail from. */
const LOGGED_TYPES = new Set(["Pod", "Container"]);

/** Lines read per step before the stderr filter: enough for a traceback followed by some stdout. */
const LINES_READ = 200;

export interface TailOptions {
  /** Each step's log read gives up after this long; the run is recorded without that tail. Default 5 s. */
  timeoutMs?: number;
  /** Reads an object of the Skiff bucket: the log Argo archived (`main-logs`) when the pod's is gone. */
  readArchive?: (key: string) => Promise<string | undefined>;
}

/**
 * Adds the stderr tail of the first failed steps (FAILURE_BOUNDS.stepsWithTail) to a terminal update, on the
 * failed-step list and on the step records. Read from the engine while its logs still exist (the local engine
 * keeps them; on Argo the pod's log, or the archived log once the pod is gone). A log that cannot be read
 * leaves that step without a tail: the tail explains a failure, it must never keep the failure from being recorded.
 */
export async function withStderrTails(
  engine: Engine,
  ref: WorkflowRef,
  update: StatusUpdate,
  options: TailOptions = {},
): Promise<StatusUpdate> {
  const failed = update.failedSteps ?? [];
  const stepsById = new Map(update.steps.map((s) => [s.stepId, s]));
  const wanted = failed
    .filter((f) => LOGGED_TYPES.has(stepsById.get(f.stepId)?.type ?? ""))
    .slice(0, FAILURE_BOUNDS.stepsWithTail);
  if (!wanted.length) return update;
  const tails = new Map<string, string>();
  await Promise.all(
    wanted.map(async (step) => {
      const tail =
        (await readTail(engine, ref, step.stepId, options.timeoutMs ?? 5_000)) ??
        (await readArchivedTail(stepsById.get(step.stepId), options.readArchive));
      if (tail) tails.set(step.stepId, tail);
    }),
  );
  if (!tails.size) return update;
  return {
    ...update,
    failedSteps: failed.map((f) => (tails.has(f.stepId) ? { ...f, stderrTail: tails.get(f.stepId) } : f)),
    steps: update.steps.map((s) => (tails.has(s.stepId) ? { ...s, stderrTail: tails.get(s.stepId) } : s)),
  };
}

async function readTail(
  engine: Engine,
  ref: WorkflowRef,
  nodeId: string,
  timeoutMs: number,
): Promise<string | undefined> {
  const signal = AbortSignal.timeout(timeoutMs);
  const lines: LogLine[] = [];
  try {
    for await (const line of engine.logs(ref, { nodeId, tailLines: LINES_READ, signal })) {
      lines.push(line);
      if (lines.length > LINES_READ) lines.shift();
    }
  } catch {
    // Unreadable (pod gone and no archive, permissions, timeout): recorded without the tail, see above.
    return undefined;
  }
  return stderrTailOf(lines);
}

/** The tail of the log Argo archived for the step (its `<container>-logs` output artifact), if any. */
async function readArchivedTail(
  step: StepRecord | undefined,
  readArchive: TailOptions["readArchive"],
): Promise<string | undefined> {
  const key = archivedLogKeys(step)[0];
  if (!key || !readArchive) return undefined;
  try {
    const text = await readArchive(key);
    if (!text) return undefined;
    // Blank lines kept: they separate a chained traceback's parts.
    const lines = text
      .split("\n")
      .map((line): LogLine => ({ nodeId: step?.stepId ?? "", time: "", stream: "stdout", text: line }));
    return stderrTailOf(lines);
  } catch {
    // As for the live log: the failure is recorded without its tail.
    return undefined;
  }
}

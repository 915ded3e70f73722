import type { Engine, LogLine, WorkflowRef } from "../ports/engine";
import { WorkflowNotFoundError } from "../ports/engine-errors";
import type { StepRecord } from "../ports/run-store";
import { keys } from "../ports/spec-store";

/** Where a step's log can be read from, in the order they are tried. */
export interface StepLogSources {
  /** Live: the local engine's own log, or the pod's on Argo while the pod exists. */
  engine: Pick<Engine, "logs">;
  /**
   * Reads an object of the Skiff bucket as text (undefined when absent): the log the local engine copied to
   * `logs/<runId>/<stepId>.log`, or the one Argo archived (`archiveLogs`) as the step's `main-logs` artifact.
   */
  readObject: (key: string) => Promise<string | undefined>;
}

export interface StepLogTarget {
  runId: string;
  stepId: string;
  /** The run's workflow; absent when the run never had one. */
  ref?: WorkflowRef;
  /** The step's record, whose output artifacts name its archived log: read only when the archive is needed. */
  step?: StepRecord | (() => Promise<StepRecord | undefined>);
}

/**
 * A step's log lines: from the engine while it has them, then, once the workflow or its pod is gone (TTL,
 * pod GC), from the bucket. Undefined when no source knows the step; empty when the workflow exists but the
 * step logged nothing (yet).
 */
export async function readStepLogs(
  sources: StepLogSources,
  target: StepLogTarget,
): Promise<LogLine[] | undefined> {
  const { runId, stepId } = target;
  let lines: LogLine[] | undefined;
  if (target.ref) {
    try {
      const live: LogLine[] = [];
      for await (const line of sources.engine.logs(target.ref, { nodeId: stepId })) live.push(line);
      lines = live;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
  if (lines?.length) return lines;
  const stored = await sources.readObject(keys.stepLog(runId, stepId));
  if (stored !== undefined) {
    lines = parseStoredLog(stored, stepId);
    if (lines.length) return lines;
  }
  const step = typeof target.step === "function" ? await target.step() : target.step;
  return (await readArchivedLog(sources, step)) ?? lines;
}

/**
 * The keys of the logs Argo archived for a step: its `<container>-logs` output artifacts stored in the Skiff
 * bucket (an artifact naming a bucket of its own is not Skiff's to read).
 */
export function archivedLogKeys(step: Pick<StepRecord, "outputArtifacts"> | undefined): string[] {
  return (step?.outputArtifacts ?? [])
    .filter((a) => a.name.endsWith("-logs") && a.key && !a.bucket)
    .map((a) => a.key as string);
}

/** An archived log's lines: Kubernetes merges a container's streams, and the archive keeps no timestamps. */
export function archivedLogLines(text: string, stepId: string): LogLine[] {
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => ({ nodeId: stepId, time: "", stream: "stdout" as const, text: line }));
}

async function readArchivedLog(
  sources: StepLogSources,
  step: StepRecord | undefined,
): Promise<LogLine[] | undefined> {
  const archives = archivedLogKeys(step);
  let lines: LogLine[] | undefined;
  for (const key of archives) {
    const text = await sources.readObject(key);
    if (text === undefined) continue;
    lines = [...(lines ?? []), ...archivedLogLines(text, step?.stepId ?? "")];
  }
  return lines;
}

/** A stored step log: `<time> <stream> <text>` per line (lib/engine/local/logs.ts writes it). */
function parseStoredLog(body: string, stepId: string): LogLine[] {
  return body
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => {
      const m = /^(\S+) (stdout|stderr) (.*)$/.exec(line);
      return m
        ? { nodeId: stepId, time: m[1], stream: m[2] as "stdout" | "stderr", text: m[3] }
        : { nodeId: stepId, time: "", stream: "stdout" as const, text: line };
    });
}

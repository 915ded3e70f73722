import type { LogLine } from "../ports/engine";
import type { StepRecord } from "../ports/run-store";
import type { ApiDeps } from "./deps";

/**
 * A finished step's logs from Argo's log archive (`archiveLogs` with the Skiff bucket as the artifact
 * repository): Argo's executor saves each main container's log, unarchived, as the output artifact
 * `<container>-logs`, and the run's record keeps its key. Read once the pods (or the whole workflow) are gone.
 * Undefined when the step archived no log.
 */
export async function archivedStepLogs(
  deps: ApiDeps,
  runId: string,
  stepId: string,
): Promise<LogLine[] | undefined> {
  const step = (await deps.runs.listSteps(runId)).find((s) => s.stepId === stepId);
  const archives = logArtifacts(step);
  if (!archives.length) return undefined;
  const lines: LogLine[] = [];
  let found = false;
  for (const key of archives) {
    const stored = await deps.specs.get(key);
    if (!stored) continue;
    found = true;
    for (const text of stored.body.split("\n")) {
      // Kubernetes merges a container's streams into its log, and the archive keeps no timestamps.
      if (text.length) lines.push({ nodeId: stepId, time: "", stream: "stdout", text });
    }
  }
  return found ? lines : undefined;
}

function logArtifacts(step: StepRecord | undefined): string[] {
  return (step?.outputArtifacts ?? [])
    .filter((a) => a.name.endsWith("-logs") && a.key && !a.bucket)
    .map((a) => a.key as string);
}

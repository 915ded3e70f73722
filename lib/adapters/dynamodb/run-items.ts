import type { RunRecord, StepRecord } from "../../ports/run-store";
import { statusRank } from "../../runs/status";
import {
  ALL_RUNS_PARTITION,
  newestFirstKey,
  paramPartition,
  paramSk,
  pipelineRunsPartition,
  runPk,
  SK_RUN,
  statusPartition,
  stepSk,
  templatePartition,
} from "./keys";
import type { DynamoTable, Item } from "./table";
import { strip } from "./table";

/** The items of a run and its steps on the single table, with their index attributes (layout in keys.ts). */

export function runItem(run: RunRecord, attempt: Item = {}): Item {
  const order = newestFirstKey(run.createdAt, run.runId);
  return {
    ...run,
    ...attempt,
    pk: runPk(run.runId),
    sk: SK_RUN,
    kind: "run",
    statusRank: statusRank(run.status),
    gsi1pk: pipelineRunsPartition(run.pipeline),
    gsi1sk: order,
    gsi2pk: statusPartition(run.status),
    gsi2sk: order,
    gsi4pk: ALL_RUNS_PARTITION,
    gsi4sk: order,
  };
}

/** The attempt bookkeeping of a run item (set by reopenRun), carried over by every later write. */
export function attemptOf(item: Item): Item {
  return item.attempt === undefined ? {} : { attempt: item.attempt, attemptStartedAt: item.attemptStartedAt };
}

/** One search entry per parameter value: runs are found by parameter through them. */
export function parameterItems(run: RunRecord): Item[] {
  const order = newestFirstKey(run.createdAt, run.runId);
  return Object.entries(run.parameters).map(([name, value]) => ({
    pk: runPk(run.runId),
    sk: paramSk(name),
    kind: "parameter",
    runId: run.runId,
    pipeline: run.pipeline,
    name,
    gsi3pk: paramPartition(name, value),
    gsi3sk: order,
  }));
}

export function stepItem(step: StepRecord): Item {
  return {
    ...step,
    pk: runPk(step.runId),
    sk: stepSk(step.stepId),
    kind: "step",
    ...(step.templateName
      ? {
          gsi3pk: templatePartition(step.templateName),
          gsi3sk: `${step.phase}#${step.startedAt ?? ""}#${step.runId}#${step.stepId}`,
        }
      : {}),
  };
}

/** The runs with these ids, in the order given; ids without a run are left out. */
export async function readRuns(table: DynamoTable, runIds: string[]): Promise<RunRecord[]> {
  const items = await table.batchGet(
    runIds.map((id) => ({ pk: runPk(id), sk: SK_RUN })),
    "reading runs",
  );
  const found = new Map(items.map((item) => [String(item.runId), strip<RunRecord>(item)]));
  return runIds.flatMap((id) => {
    const run = found.get(id);
    return run ? [run] : [];
  });
}

/** BatchGets of run statuses in flight at once (each of up to 100 runs). */
const STATUS_READS_IN_FLIGHT = 4;

/** The statuses of the runs with these ids (read consistently, nothing else of them); missing runs are left out. */
export async function readStatuses(table: DynamoTable, runIds: string[]): Promise<Item[]> {
  const keys = runIds.map((id) => ({ pk: runPk(id), sk: SK_RUN }));
  // Contiguous shares in whole batches of 100, read side by side: thousands of runs cost tens of BatchGets.
  const share = Math.ceil(keys.length / STATUS_READS_IN_FLIGHT / 100) * 100 || 100;
  const shares: Item[][] = [];
  for (let i = 0; i < keys.length; i += share) shares.push(keys.slice(i, i + share));
  const found = await Promise.all(
    shares.map((part) => table.batchGet(part, "reading run statuses", ["status"])),
  );
  return found.flat();
}

// Recorded runs for the dashboard's benchmarks and browser tests, written into the embedded stack's DynamoDB
// through the run store's own item layout (lib/adapters/dynamodb): many runs in batches, and finished DAG runs.
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { graph } from "../../bench/engine/graph";
import { parameterItems, runItem } from "../../lib/adapters/dynamodb/run-items";
import { DynamoRunStore } from "../../lib/adapters/dynamodb/run-store";
import { DynamoTable, type Item } from "../../lib/adapters/dynamodb/table";
import type { RunRecord, RunStatus, StepRecord } from "../../lib/ports/run-store";
import { seededRandom } from "./seeded-random";

export interface TableRef {
  client: DynamoDBClient;
  tableName: string;
}

const STATUSES: RunStatus[] = [
  "Succeeded",
  "Succeeded",
  "Succeeded",
  "Failed",
  "Error",
  "Stopped",
  "Running",
];
const PIPELINES = ["etl", "reports", "billing", "ingest", "train-model"];

export interface SeedOptions {
  /** The runs' pipelines, in turn. Default: etl, reports, billing, ingest, train-model. */
  pipelines?: string[];
  /** The newest time a run may have; runs spread over the 30 days before. Default: now. */
  now?: Date;
  /** BatchWriteItem requests in flight. Default: 8. */
  concurrency?: number;
  /** Run ids start with this (ids must differ between seedings of one table). Default: `seed`. */
  prefix?: string;
}

/**
 * `count` recorded runs over the last 30 days, spread over the pipelines and the statuses, each with two
 * parameters (`rows`, one of 100 values; `region`). Written as the store writes them (the run item and one
 * search entry per parameter), in BatchWriteItem batches, `concurrency` batches of 25 at a time. Returns the
 * run ids, newest first.
 */
export async function seedRuns(table: TableRef, count: number, options: SeedOptions = {}): Promise<string[]> {
  const { now, concurrency, pipelines, prefix } = {
    now: new Date(),
    concurrency: 8,
    pipelines: PIPELINES,
    prefix: "seed",
    ...options,
  };
  const random = seededRandom(7);
  const store = new DynamoTable({ tableName: table.tableName, client: table.client });
  const runs: RunRecord[] = [];
  const span = 30 * 24 * 3600 * 1000;
  for (let i = 0; i < count; i++) {
    const createdAt = new Date(now.getTime() - Math.floor(random() * span));
    const status = STATUSES[Math.floor(random() * STATUSES.length)] as RunStatus;
    const started = new Date(createdAt.getTime() + 200);
    runs.push({
      runId: `${prefix}${String(i).padStart(6, "0")}${Math.floor(random() * 1e9).toString(36)}`,
      pipeline: pipelines[i % pipelines.length] as string,
      version: `v${1 + (i % 3)}`,
      status,
      parameters: { rows: String(i % 100), region: ["eu", "us", "apac"][i % 3] as string },
      engine: { kind: "local", namespace: "default", workflowName: `seed-${i}` },
      createdAt: createdAt.toISOString(),
      startedAt: started.toISOString(),
      ...(status === "Running"
        ? {}
        : { finishedAt: new Date(started.getTime() + Math.floor(random() * 600_000)).toISOString() }),
      caller: "local",
    });
  }
  const items: Item[] = runs.flatMap((run) => [{ ...runItem(run), revision: 1 }, ...parameterItems(run)]);
  // Each worker takes a whole number of 25-item batches; the table retries what DynamoDB leaves unprocessed.
  const chunk = Math.ceil(items.length / concurrency / 25) * 25;
  const workers: Promise<void>[] = [];
  for (let i = 0; i < items.length; i += chunk) {
    workers.push(store.batchPut(items.slice(i, i + chunk), "seeded runs"));
  }
  await Promise.all(workers);
  return runs.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)).map((r) => r.runId);
}

/** `size` tasks: the first fans out to all but the last, which they all fan into (a map and its reduce). */
export function fanOutIn(size: number): string[][] {
  return Array.from({ length: size }, (_, i) =>
    i === 0 ? [] : i === size - 1 ? Array.from({ length: size - 2 }, (_, k) => `t${k + 1}`) : ["t0"],
  );
}

/**
 * A finished run of a DAG whose task i depends on the tasks `deps[i]` names (`t<k>`; by default
 * bench/engine/graph.ts's graph of `size` tasks: task i depends on up to 3 random earlier ones),
 * recorded as the watcher records a finished run: its steps in Argo's node shape (the DAG node's children are
 * the root tasks, each task's children the tasks that depend on it), written with the terminal status.
 */
export async function seedDagRun(
  table: TableRef,
  runId: string,
  size: number,
  deps: string[][] = graph(size),
): Promise<void> {
  const store = new DynamoRunStore({ tableName: table.tableName, client: table.client });
  const at = new Date(Date.now() - 60_000);
  const iso = (ms: number) => new Date(at.getTime() + ms).toISOString();
  const workflow = `dag-${runId}`;
  const id = (i: number) => `${workflow}-${1000000 + i}`;
  const dependents: number[][] = deps.map(() => []);
  deps.forEach((d, i) => {
    for (const name of d) dependents[Number(name.slice(1))]?.push(i);
  });
  const tasks: StepRecord[] = deps.map((_, i) => ({
    runId,
    stepId: id(i),
    name: `${workflow}.t${i}`,
    displayName: `t${i}`,
    type: "Pod",
    templateName: "noop",
    phase: "Succeeded",
    startedAt: iso(i * 10),
    finishedAt: iso(i * 10 + 5),
    boundaryId: workflow,
    ...(dependents[i]?.length ? { children: (dependents[i] as number[]).map(id) } : {}),
  }));
  const root: StepRecord = {
    runId,
    stepId: workflow,
    name: workflow,
    displayName: workflow,
    type: "DAG",
    templateName: "main",
    phase: "Succeeded",
    startedAt: iso(0),
    finishedAt: iso(size * 10),
    children: deps.flatMap((d, i) => (d.length === 0 ? [id(i)] : [])),
  };
  await store.createRun({
    runId,
    pipeline: "big-dag",
    version: "v1",
    status: "Pending",
    parameters: {},
    engine: { kind: "local", namespace: "default", workflowName: workflow },
    createdAt: at.toISOString(),
    caller: "local",
  });
  await store.applyStatus({
    runId,
    status: "Succeeded",
    startedAt: iso(0),
    finishedAt: iso(size * 10),
    steps: [root, ...tasks],
  });
}

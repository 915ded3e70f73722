// Watcher throughput against DynamoDB Local, side by side with a baseline in the same run: raw PutItem of an
// item the size of a run record (what one status write costs at the least). The watcher part handles engine
// status-change events (each re-reads the workflow, reads the run, writes run + steps) with the events of all
// runs interleaved and each delivered twice, at the same concurrency as the baseline. A counting middleware
// on the DynamoDB client checks writes per applied status change against 1 + ⌈steps/25⌉.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { NodeStatus, Workflow } from "../../lib/argo";
import type { Engine, WorkflowRef } from "../../lib/engine/engine";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../lib/local/credentials";
import { startDynamoDbLocal } from "../../lib/local/dynamodb";
import type { BusEvent, EventBus } from "../../lib/ports/event-bus";
import { DynamoRunStore } from "../../lib/runs/dynamo-run-store";
import { ensureTable } from "../../lib/runs/ensure-table";
import { Watcher } from "../../lib/runs/watcher";

const CONCURRENCY = 16;
const WRITE_COMMANDS = new Set([
  "PutItemCommand",
  "UpdateItemCommand",
  "DeleteItemCommand",
  "BatchWriteItemCommand",
  "TransactWriteItemsCommand",
]);

/** Workflow `name` with `steps` pod nodes, of which the first `done` are Succeeded and the rest Running. */
function workflowAt(name: string, runId: string, steps: number, done: number): Workflow {
  const nodes: Record<string, NodeStatus> = {
    [name]: {
      id: name,
      name,
      displayName: name,
      type: "DAG",
      templateName: "main",
      phase: done === steps ? "Succeeded" : "Running",
    },
  };
  for (let i = 0; i < steps; i++) {
    const id = `${name}-${i}`;
    nodes[id] = {
      id,
      name: `${name}.t${i}`,
      displayName: `t${i}`,
      type: "Pod",
      templateName: "work",
      boundaryID: name,
      phase: i < done ? "Succeeded" : "Running",
      startedAt: "2026-01-01T00:00:01Z",
    };
  }
  return {
    metadata: { name, namespace: "default", uid: `uid-${name}`, labels: { "skiff.dev/run-id": runId } },
    spec: { entrypoint: "main" },
    status: {
      phase: done === steps ? "Succeeded" : "Running",
      startedAt: "2026-01-01T00:00:01Z",
      ...(done === steps ? { finishedAt: "2026-01-01T00:00:09Z" } : {}),
      nodes,
    },
  };
}

/** The engine's answers, set by the benchmark as runs progress (only `get` is exercised). */
class StagedEngine implements Pick<Engine, "kind" | "get"> {
  readonly kind = "local" as const;
  readonly current = new Map<string, Workflow>();
  async get(ref: WorkflowRef): Promise<Workflow | undefined> {
    return this.current.get(ref.name);
  }
}

class CountingBus implements EventBus {
  completed = 0;
  changes = 0;
  async publish(events: BusEvent[]): Promise<void> {
    for (const e of events) {
      if (e.detailType === "Pipeline Run Completed") this.completed++;
      else this.changes++;
    }
  }
}

async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

async function main(): Promise<void> {
  const server = await startDynamoDbLocal();
  const client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  let writes = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (WRITE_COMMANDS.has(context.commandName ?? "")) writes++;
      return next(args);
    },
    { step: "initialize", name: "countWrites" },
  );
  try {
    const table = "bench-watcher";
    await ensureTable(client, table);
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

    // Warm-up (JIT of both sides, DynamoDB Local's first-touch costs), not measured.
    await pool(
      Array.from({ length: 300 }, (_, i) => i),
      CONCURRENCY,
      async (i) => {
        await doc.send(new PutCommand({ TableName: table, Item: { pk: `WARM#${i}`, sk: "X", v: i } }));
      },
    );

    // Baseline: raw PutItem of a run-sized item.
    const baselineCount = 3000;
    const payload = "x".repeat(700);
    let t0 = performance.now();
    await pool(
      Array.from({ length: baselineCount }, (_, i) => i),
      CONCURRENCY,
      async (i) => {
        await doc.send(
          new PutCommand({
            TableName: table,
            Item: { pk: `BASE#${i}`, sk: "RUN", status: "Running", payload },
          }),
        );
      },
    );
    const baselineSeconds = (performance.now() - t0) / 1000;
    const putsPerSecond = baselineCount / baselineSeconds;

    // Watcher: runs of 10 steps, 3 stages each (running, halfway, succeeded), every event delivered twice.
    const store = new DynamoRunStore({ tableName: table, client: doc });
    const engine = new StagedEngine();
    const bus = new CountingBus();
    const watcher = new Watcher(
      { store, engine: engine as unknown as Engine, bus },
      { now: () => new Date("2026-01-01T00:01:00Z") },
    );
    const runs = 400;
    const steps = 10;
    for (let r = 0; r < runs; r++) {
      await store.createRun({
        runId: `run-${r}`,
        pipeline: "bench",
        version: "v1",
        status: "Pending",
        parameters: { i: String(r) },
        engine: { kind: "local", namespace: "default", workflowName: `wf-${r}` },
        createdAt: "2026-01-01T00:00:00.000Z",
      });
    }
    const stages = [0, steps / 2, steps];
    let events = 0;
    writes = 0;
    t0 = performance.now();
    for (const done of stages) {
      for (let r = 0; r < runs; r++)
        engine.current.set(`wf-${r}`, workflowAt(`wf-${r}`, `run-${r}`, steps, done));
      const deliveries = Array.from({ length: runs * 2 }, (_, i) => i % runs);
      await pool(deliveries, CONCURRENCY, async (r) => {
        await watcher.handleStatusChange({
          runId: `run-${r}`,
          namespace: "default",
          workflowName: `wf-${r}`,
        });
        events++;
      });
    }
    const watcherSeconds = (performance.now() - t0) / 1000;
    const eventsPerSecond = events / watcherSeconds;
    const appliedChanges = runs * stages.length;
    const writesPerChange = writes / appliedChanges;

    // Writes per status change for large runs: one transaction + batches of 25 beyond its 99 steps.
    const big: Array<{ steps: number; writes: number; bound: number }> = [];
    for (const n of [24, 99, 100, 260]) {
      const runId = `big-${n}`;
      await store.createRun({
        runId,
        pipeline: "bench",
        version: "v1",
        status: "Pending",
        parameters: {},
        engine: { kind: "local", namespace: "default", workflowName: `wf-big-${n}` },
        createdAt: "2026-01-01T00:00:00.000Z",
      });
      engine.current.set(`wf-big-${n}`, workflowAt(`wf-big-${n}`, runId, n, n));
      writes = 0;
      await watcher.handleStatusChange({ runId, namespace: "default", workflowName: `wf-big-${n}` });
      big.push({ steps: n + 1, writes, bound: 1 + Math.ceil((n + 1) / 25) });
    }

    console.log(
      `baseline  raw PutItem (run-sized item), concurrency ${CONCURRENCY}: ${putsPerSecond.toFixed(0)} writes/s`,
    );
    console.log(
      `watcher   ${events} status events (${runs} runs × 3 stages × 2 deliveries, ${steps + 1} steps each): ${eventsPerSecond.toFixed(0)} events/s (target ≥ 500)`,
    );
    console.log(
      `ratio     watcher events/s ÷ raw PutItem/s = ${(eventsPerSecond / putsPerSecond).toFixed(2)}`,
    );
    console.log(
      `writes    ${writes === 0 ? "" : ""}${writesPerChange.toFixed(2)} DynamoDB write requests per applied status change (bound 1 + ⌈11/25⌉ = 2); duplicates wrote nothing`,
    );
    for (const b of big)
      console.log(`writes    ${b.steps} steps: ${b.writes} write requests (bound ${b.bound})`);
    console.log(
      `events    ${bus.completed} Pipeline Run Completed for ${runs + big.length} runs; ${bus.changes} status changes`,
    );
    if (bus.completed !== runs + big.length) throw new Error("expected exactly one completion event per run");
    if (big.some((b) => b.writes > b.bound) || writesPerChange > 2) throw new Error("write bound exceeded");
  } finally {
    client.destroy();
    await server.stop();
  }
}

await main();

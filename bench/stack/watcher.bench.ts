// Watcher throughput against DynamoDB Local, side by side with a baseline in the same run: raw PutItem of an
// item the size of a run record (what one status write costs at the least). The watcher part replays what the
// engine feed sends for real runs: one status-change event per phase change of the workflow or of any node
// (32 per 11-step run), the events of all runs interleaved, every tenth one delivered twice (at-least-once
// delivery); each event re-reads the workflow from the engine, which is at that event's state. A counting
// middleware on the DynamoDB client checks the watcher's writes per run against 1 + ⌈steps/25⌉.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoCompletionOutbox } from "../../lib/adapters/dynamodb/completion-outbox";
import { ensureTable } from "../../lib/adapters/dynamodb/ensure-table";
import { DynamoRunStore } from "../../lib/adapters/dynamodb/run-store";
import type { NodeStatus, Workflow } from "../../lib/argo";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../lib/local/credentials";
import { startDynamoDbLocal } from "../../lib/local/dynamodb";
import type { Engine, WorkflowRef } from "../../lib/ports/engine";
import type { BusEvent, EventBus } from "../../lib/ports/event-bus";
import { Watcher } from "../../lib/runs/watcher";

const CONCURRENCY = 16;
const WRITE_COMMANDS = new Set([
  "PutItemCommand",
  "UpdateItemCommand",
  "DeleteItemCommand",
  "BatchWriteItemCommand",
  "TransactWriteItemsCommand",
]);

type Phase = "Pending" | "Running" | "Succeeded";

/** Workflow `name` with a DAG node over pod nodes in the given phases (absent ones not created yet). */
function workflowAt(name: string, runId: string, pods: Phase[], finished: boolean): Workflow {
  const nodes: Record<string, NodeStatus> = {
    [name]: {
      id: name,
      name,
      displayName: name,
      type: "DAG",
      templateName: "main",
      phase: finished ? "Succeeded" : "Running",
      children: pods.map((_, i) => `${name}-${i}`),
    },
  };
  pods.forEach((phase, i) => {
    const id = `${name}-${i}`;
    nodes[id] = {
      id,
      name: `${name}.t${i}`,
      displayName: `t${i}`,
      type: "Pod",
      templateName: "work",
      boundaryID: name,
      phase,
      startedAt: "2026-01-01T00:00:01Z",
      ...(phase === "Succeeded" ? { finishedAt: "2026-01-01T00:00:05Z" } : {}),
    };
  });
  return {
    metadata: { name, namespace: "default", uid: `uid-${name}`, labels: { "skiff.dev/run-id": runId } },
    spec: { entrypoint: "main" },
    status: {
      phase: finished ? "Succeeded" : "Running",
      startedAt: "2026-01-01T00:00:01Z",
      ...(finished ? { finishedAt: "2026-01-01T00:00:09Z" } : {}),
      nodes,
    },
  };
}

/**
 * The states a run of `pods` steps goes through, one per status event the engine feed sends: the workflow
 * starts, each pod is created Pending, runs and succeeds (two pods at a time), then the workflow succeeds.
 */
function lifeOf(name: string, runId: string, pods: number): Workflow[] {
  const phases: Phase[] = [];
  const states = [workflowAt(name, runId, phases, false)];
  for (let i = 0; i < pods; i += 2) {
    const pair = [i, i + 1].filter((j) => j < pods);
    for (const next of ["Pending", "Running", "Succeeded"] as const)
      for (const j of pair) {
        phases[j] = next;
        states.push(workflowAt(name, runId, [...phases], false));
      }
  }
  states.push(workflowAt(name, runId, phases, true));
  return states;
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
  // Write requests by command, to tell the run's own writes from the completion's confirmation.
  const byCommand = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? "";
      if (WRITE_COMMANDS.has(name)) {
        writes++;
        byCommand.set(name, (byCommand.get(name) ?? 0) + 1);
      }
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

    // Watcher: a store of its own (as the watcher function has: nothing cached from the runs' creation).
    const creator = new DynamoRunStore({ tableName: table, client: doc });
    const store = new DynamoRunStore({ tableName: table, client: doc });
    const engine = new StagedEngine();
    const bus = new CountingBus();
    const watcher = new Watcher(
      {
        runs: store,
        outbox: new DynamoCompletionOutbox({ tableName: table, client: doc }),
        engine: engine as unknown as Engine,
        bus,
      },
      { now: () => new Date("2026-01-01T00:01:00Z") },
    );
    const runs = 400;
    const pods = 10;
    const lives: Workflow[][] = [];
    for (let r = 0; r < runs; r++) {
      await creator.createRun({
        runId: `run-${r}`,
        pipeline: "bench",
        version: "v1",
        status: "Pending",
        parameters: { i: String(r) },
        engine: { kind: "local", namespace: "default", workflowName: `wf-${r}` },
        createdAt: "2026-01-01T00:00:00.000Z",
      });
      lives.push(lifeOf(`wf-${r}`, `run-${r}`, pods));
    }
    // Runs interleaved: the k-th event of every run, then the (k+1)-th; every tenth delivery twice.
    const deliveries: Array<{ run: number; state: number }> = [];
    for (let k = 0; k < lives[0].length; k++)
      for (let r = 0; r < runs; r++) {
        deliveries.push({ run: r, state: k });
        if (deliveries.length % 10 === 0) deliveries.push({ run: r, state: k });
      }
    const eventsPerRun = lives[0].length;
    writes = 0;
    byCommand.clear();
    t0 = performance.now();
    await pool(deliveries, CONCURRENCY, async ({ run, state }) => {
      engine.current.set(`wf-${run}`, lives[run][state]);
      await watcher.handleStatusChange({
        runId: `run-${run}`,
        namespace: "default",
        workflowName: `wf-${run}`,
      });
    });
    const watcherSeconds = (performance.now() - t0) / 1000;
    const events = deliveries.length;
    const eventsPerSecond = events / watcherSeconds;
    const writesPerRun = writes / runs;
    const watcherWrites = new Map(byCommand);
    const perRun = (command: string) => ((watcherWrites.get(command) ?? 0) / runs).toFixed(2);
    const confirmationsPerRun = (watcherWrites.get("DeleteItemCommand") ?? 0) / runs;
    const steps = pods + 1;
    const stored = await store.listSteps("run-0");
    if (stored.length !== steps || stored.some((s) => s.phase !== "Succeeded"))
      throw new Error(`run-0: expected ${steps} Succeeded steps recorded, got ${JSON.stringify(stored)}`);

    // Writes per run for large runs, through the same life (started, every pod's phases, finished).
    const big: Array<{
      steps: number;
      writes: number;
      bound: number;
      events: number;
      confirmations: number;
    }> = [];
    for (const n of [24, 99, 100, 260]) {
      const runId = `big-${n}`;
      await creator.createRun({
        runId,
        pipeline: "bench",
        version: "v1",
        status: "Pending",
        parameters: {},
        engine: { kind: "local", namespace: "default", workflowName: `wf-big-${n}` },
        createdAt: "2026-01-01T00:00:00.000Z",
      });
      const life = lifeOf(`wf-big-${n}`, runId, n);
      writes = 0;
      byCommand.clear();
      for (const state of life) {
        engine.current.set(`wf-big-${n}`, state);
        await watcher.handleStatusChange({ runId, namespace: "default", workflowName: `wf-big-${n}` });
      }
      if ((await store.listSteps(runId)).length !== n + 1) throw new Error(`${runId}: steps missing`);
      big.push({
        steps: n + 1,
        writes,
        bound: 1 + Math.ceil((n + 1) / 25),
        events: life.length,
        confirmations: byCommand.get("DeleteItemCommand") ?? 0,
      });
    }

    console.log(
      `baseline  raw PutItem (run-sized item), concurrency ${CONCURRENCY}: ${putsPerSecond.toFixed(0)} writes/s`,
    );
    console.log(
      `watcher   ${events} status events (${runs} runs × ${eventsPerRun} phase changes, every tenth delivered twice; ${steps} steps each): ${eventsPerSecond.toFixed(0)} events/s (target ≥ 500)`,
    );
    console.log(
      `ratio     watcher events/s ÷ raw PutItem/s = ${(eventsPerSecond / putsPerSecond).toFixed(2)}`,
    );
    console.log(
      `writes    per run of ${steps} steps: ${writesPerRun.toFixed(2)} write requests = status PutItem ${perRun("PutItemCommand")} + terminal TransactWriteItems ${perRun("TransactWriteItemsCommand")} + BatchWriteItem ${perRun("BatchWriteItemCommand")} + completion confirmation DeleteItem ${perRun("DeleteItemCommand")}; bound 1 + ⌈${steps}/25⌉ = ${1 + Math.ceil(steps / 25)} (without the confirmation: ${(writesPerRun - confirmationsPerRun).toFixed(2)})`,
    );
    for (const b of big)
      console.log(
        `writes    ${b.steps} steps, ${b.events} events: ${b.writes} write requests per run, ${b.writes - b.confirmations} without the completion confirmation (bound ${b.bound})`,
      );
    console.log(
      `events    ${bus.completed} Pipeline Run Completed for ${runs + big.length} runs; ${bus.changes} status changes`,
    );
    if (bus.completed !== runs + big.length) throw new Error("expected exactly one completion event per run");
    // The run's own writes (status, terminal record, steps) keep the bound; the outbox confirmation is one more.
    if (
      big.some((b) => b.writes - b.confirmations > b.bound) ||
      writesPerRun - confirmationsPerRun > 1 + Math.ceil(steps / 25)
    )
      throw new Error("write bound exceeded");
  } finally {
    client.destroy();
    await server.stop();
  }
}

await main();

import { readFileSync } from "node:fs";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DynamoCompletionOutbox } from "../../../lib/adapters/dynamodb/completion-outbox";
import { DynamoRunStore } from "../../../lib/adapters/dynamodb/run-store";
import { EventBridgeBus } from "../../../lib/adapters/eventbridge/event-bus";
import type { EventEnvelope } from "../../../lib/local/bus/envelope";
import type { RunRecord } from "../../../lib/ports/run-store";
import { Watcher } from "../../../lib/runs/watcher";
import { createWatcherHandler, InvalidWatcherEventError } from "../../../lib/runs/watcher-handler";
import { shuffled } from "../../support/seeded-random";
import { type EventBusServer, LOCAL_CREDENTIALS, LOCAL_REGION, startBus } from "../../support/servers";
import { dagAt, workflow } from "../../unit/runs/workflow-fixtures";
import { type DynamoFixture, startDynamo } from "../adapters/dynamodb/dynamo-local";
import { MemoryEngine } from "./memory-engine";

let dynamo: DynamoFixture;
let busServer: EventBusServer;
let eventBridge: EventBridgeClient;
let received: EventEnvelope[];
let store: DynamoRunStore;
let outbox: DynamoCompletionOutbox;
let tableName: string;
let engine: MemoryEngine;
let bus: EventBridgeBus;
let unsubscribe: (() => void) | undefined;

const NOW = new Date("2026-01-01T01:00:00Z");

beforeAll(async () => {
  [dynamo, busServer] = await Promise.all([startDynamo(), startBus({ buses: ["skiff"], historySize: 10 })]);
  eventBridge = new EventBridgeClient({
    endpoint: busServer.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
});
afterAll(async () => {
  eventBridge?.destroy();
  await Promise.all([dynamo?.stop(), busServer?.stop()]);
});
beforeEach(async () => {
  unsubscribe?.();
  received = [];
  unsubscribe = busServer.router.subscribe((event, name) => {
    if (name === "skiff") received.push(event);
  });
  tableName = await dynamo.newTable();
  store = new DynamoRunStore({ tableName, client: dynamo.client });
  outbox = new DynamoCompletionOutbox({ tableName, client: dynamo.client });
  engine = new MemoryEngine();
  bus = new EventBridgeBus({ busName: "skiff", client: eventBridge });
});

function newRun(runId: string, workflowName: string | undefined, over: Partial<RunRecord> = {}): RunRecord {
  return {
    runId,
    pipeline: "etl",
    version: "v1",
    status: "Pending",
    parameters: { date: "2026-01-01" },
    engine: { kind: "local", namespace: "default", workflowName, uid: workflowName && `uid-${workflowName}` },
    createdAt: "2026-01-01T00:00:00.000Z",
    ...over,
  };
}

const completions = (runId?: string) =>
  received.filter(
    (e) => e["detail-type"] === "Pipeline Run Completed" && (runId === undefined || e.detail.runId === runId),
  );

describe("status-change events", () => {
  it.each([1, 2, 3])(
    "shuffled, duplicated and concurrent events, in two watcher processes, give the right final records and one completion each (seed %i)",
    async (seed) => {
      // Two watchers with stores of their own, as two function instances: each remembers what it wrote.
      const watchers = [store, new DynamoRunStore({ tableName, client: dynamo.client })].map(
        (s) => new Watcher({ runs: s, outbox, engine, bus }, { now: () => NOW }),
      );
      const runs = Array.from({ length: 12 }, (_, i) => ({
        runId: `run-${seed}-${i}`,
        name: `wf-${seed}-${i}`,
        outcome: i % 3 === 0 ? ("Failed" as const) : ("Succeeded" as const),
      }));
      for (const r of runs) {
        await store.createRun(newRun(r.runId, r.name));
        engine.set(dagAt(r.name, 0, r.outcome, r.runId));
      }
      // Every stage change of every run emits an event; each is delivered 1-3 times, in a shuffled order.
      const deliveries = shuffled(
        runs.flatMap((r) =>
          ([1, 2, 3] as const).flatMap((stage) =>
            Array.from({ length: 1 + ((stage + seed) % 3) }, () => ({ r, stage })),
          ),
        ),
        seed,
      );
      const engineStage = new Map<string, number>();
      for (let i = 0; i < deliveries.length; i += 6) {
        const batch = deliveries.slice(i, i + 6);
        // An event exists only once the engine reached its stage; the engine never goes back.
        for (const { r, stage } of batch) {
          const at = Math.max(engineStage.get(r.runId) ?? 0, stage) as 1 | 2 | 3;
          engineStage.set(r.runId, at);
          engine.set(dagAt(r.name, at, r.outcome, r.runId));
        }
        await Promise.all(
          batch.map(({ r, stage }, j) =>
            watchers[(i + j) % 2].handleStatusChange({
              runId: r.runId,
              namespace: "default",
              workflowName: r.name,
              uid: `uid-${r.name}`,
              phase: stage === 3 ? r.outcome : "Running",
            }),
          ),
        );
      }

      for (const r of runs) {
        const run = await store.getRun(r.runId);
        expect(run).toMatchObject({
          status: r.outcome,
          startedAt: "2026-01-01T00:00:01Z",
          finishedAt: "2026-01-01T00:00:09Z",
        });
        expect(run?.outputs).toBeUndefined();
        expect(run?.failedSteps).toEqual(
          r.outcome === "Failed"
            ? [{ stepId: `${r.name}-b`, name: "b", message: "main: Error (exit code 1)", exitCode: 1 }]
            : [],
        );
        const steps = await store.listSteps(r.runId);
        expect(steps.map((s) => [s.displayName, s.phase]).sort()).toEqual(
          [
            ["a", "Succeeded"],
            ["b", r.outcome],
            [r.name, r.outcome],
          ].sort(),
        );
        expect(completions(r.runId)).toHaveLength(1);
        const changes = received.filter(
          (e) => e["detail-type"] === "Pipeline Run Status Change" && e.detail.runId === r.runId,
        );
        expect(changes.length).toBeLessThanOrEqual(1);
        for (const change of changes)
          expect(change.detail).toMatchObject({ status: "Running", previousStatus: "Pending" });
      }
      const completed = completions().map((e) => e.detail);
      expect(completed.find((d) => d.status === "Failed")).toMatchObject({
        pipeline: "etl",
        version: "v1",
        durationMs: 8000,
        parameters: { date: "2026-01-01" },
        engine: { kind: "local", namespace: "default" },
      });
    },
  );

  it("handles a burst of one run's events in one process one after another: one read, one write", async () => {
    const { client: counted, requests } = dynamo.countingClient();
    try {
      const watcher = new Watcher(
        {
          runs: new DynamoRunStore({ tableName, client: counted }),
          outbox: new DynamoCompletionOutbox({ tableName, client: counted }),
          engine,
          bus,
        },
        { now: () => NOW },
      );
      await store.createRun(newRun("burst", "wf-burst"));
      engine.set(dagAt("wf-burst", 3, "Succeeded", "burst"));
      const event = { runId: "burst", namespace: "default", workflowName: "wf-burst" };
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => watcher.handleStatusChange(event)));
      expect(outcomes.map((o) => o.action).sort()).toEqual(["applied", ...Array(9).fill("unchanged")]);
      // Read once, the terminal record, its completion confirmed; the other nine answered from memory.
      expect(requests).toEqual(["GetItemCommand", "TransactWriteItemsCommand", "DeleteItemCommand"]);
      expect(completions("burst")).toHaveLength(1);
    } finally {
      counted.destroy();
    }
  });

  it("ignores an event whose workflow belongs to another run, and unknown runs without a workflow", async () => {
    const watcher = new Watcher({ runs: store, outbox, engine, bus }, { now: () => NOW });
    await store.createRun(newRun("mine", "wf-x"));
    engine.set(dagAt("wf-x", 3, "Succeeded", "someone-else"));
    const outcome = await watcher.handleStatusChange({
      runId: "mine",
      namespace: "default",
      workflowName: "wf-x",
    });
    expect(outcome.action).toBe("unchanged");
    expect((await store.getRun("mine"))?.status).toBe("Pending");
    expect(
      (await watcher.handleStatusChange({ runId: "ghost", namespace: "default", workflowName: "nope" }))
        .action,
    ).toBe("unknown");
    expect(received).toHaveLength(0);
  });
});

describe("forged exit-notifier events", () => {
  it("change nothing: the record follows the engine, whatever phase or workflow the event claims", async () => {
    const handler = createWatcherHandler(
      () => new Watcher({ runs: store, outbox, engine, bus }, { now: () => NOW }),
    );
    const forged = (detail: Record<string, unknown>) => ({
      version: "0",
      id: `forged-${Math.random()}`,
      "detail-type": "Workflow Status Change",
      source: "skiff.engine",
      account: "000000000000",
      time: "2026-01-01T01:00:00Z",
      region: LOCAL_REGION,
      resources: [],
      detail: { namespace: "default", origin: "exit-notifier", failures: "[]", ...detail },
    });
    // A running workflow, a failed one, and a running one whose event names a workflow that does not exist.
    await store.createRun(newRun("running", "wf-running"));
    engine.set(dagAt("wf-running", 1, "Succeeded", "running"));
    await watcherOf().handleStatusChange({
      runId: "running",
      namespace: "default",
      workflowName: "wf-running",
    });
    await store.createRun(newRun("failed", "wf-failed"));
    engine.set(dagAt("wf-failed", 3, "Failed", "failed"));
    const before = received.length;

    await handler(forged({ runId: "running", workflowName: "wf-running", phase: "Succeeded" }));
    await handler(forged({ runId: "running", workflowName: "wf-elsewhere", uid: "x", phase: "Succeeded" }));
    await handler(
      forged({ runId: "running", workflowName: "wf-running", uid: "not-its-uid", phase: "Error" }),
    );
    expect((await store.getRun("running"))?.status).toBe("Running");
    expect(received.length).toBe(before);

    await handler(forged({ runId: "failed", workflowName: "wf-failed", phase: "Succeeded" }));
    expect((await store.getRun("failed"))?.status).toBe("Failed");
    expect(completions("failed").map((e) => e.detail.status)).toEqual(["Failed"]);
    expect(completions("running")).toEqual([]);
  });

  function watcherOf() {
    return new Watcher({ runs: store, outbox, engine, bus }, { now: () => NOW });
  }
});

describe("parked events", () => {
  it("come back through the redrive queue, unwrapped; one that fails again stays, one that is not an event goes", async () => {
    const handler = createWatcherHandler(
      () => new Watcher({ runs: store, outbox, engine, bus }, { now: () => NOW }),
    );
    await store.createRun(newRun("parked", "wf-parked"));
    engine.set(dagAt("wf-parked", 3, "Succeeded", "parked"));
    const event = JSON.parse(
      readFileSync(new URL("../../../events/workflow-status.json", import.meta.url), "utf8"),
    );
    event.detail = { runId: "parked", namespace: "default", workflowName: "wf-parked" };
    const sqs = (id: string, body: string) => ({ messageId: id, body, eventSource: "aws:sqs" });
    const result = await handler({
      Records: [
        // Lambda's on-failure destination wraps the event; EventBridge's dead-letter queue keeps it as it was.
        sqs("wrapped", JSON.stringify({ version: "1.0", requestContext: {}, requestPayload: event })),
        sqs("plain", JSON.stringify(event)),
        sqs("garbage", "{not json"),
      ],
    });
    expect(result).toMatchObject({ kind: "redrive", batchItemFailures: [] });
    expect((await store.getRun("parked"))?.status).toBe("Succeeded");
    expect(completions("parked")).toHaveLength(1);

    const down = new MemoryEngine();
    down.get = () => Promise.reject(new Error("engine down"));
    const failing = createWatcherHandler(
      () => new Watcher({ runs: store, outbox, engine: down, bus }, { now: () => NOW }),
    );
    expect(await failing({ Records: [sqs("again", JSON.stringify(event))] })).toMatchObject({
      batchItemFailures: [{ itemIdentifier: "again" }],
    });
  });
});

describe("sweep", () => {
  it("recovers runs whose status events were all dropped, and publishes each completion once", async () => {
    const watcher = new Watcher({ runs: store, outbox, engine, bus }, { now: () => NOW, pageSize: 2 });
    for (let i = 0; i < 5; i++) {
      await store.createRun(newRun(`dropped-${i}`, `wf-d${i}`));
      engine.set(dagAt(`wf-d${i}`, i === 4 ? 2 : 3, i % 2 ? "Failed" : "Succeeded", `dropped-${i}`));
    }
    const report = await watcher.sweep();
    expect(report.errors).toEqual([]);
    expect(report.activeRunsChecked).toBe(5);
    for (let i = 0; i < 4; i++) {
      expect((await store.getRun(`dropped-${i}`))?.status).toBe(i % 2 ? "Failed" : "Succeeded");
      expect(completions(`dropped-${i}`)).toHaveLength(1);
    }
    expect((await store.getRun("dropped-4"))?.status).toBe("Running");
    // An active run's steps are read live from the engine; they are recorded with its terminal status.
    expect(await store.listSteps("dropped-4")).toEqual([]);

    // The next sweep finds only the still-running one and publishes nothing new.
    const again = await watcher.sweep();
    expect(again.activeRunsChecked).toBe(1);
    expect(completions()).toHaveLength(4);
  });

  it("records completed engine workflows whose run id the store does not know", async () => {
    const watcher = new Watcher({ runs: store, outbox, engine, bus }, { now: () => NOW });
    const wf = dagAt("wf-orphan", 3, "Succeeded", "orphan-run");
    wf.metadata.labels = {
      ...wf.metadata.labels,
      "skiff.dev/pipeline": "etl",
      "skiff.dev/version": "v7",
      "workflows.argoproj.io/completed": "true",
    };
    engine.set(wf);
    const report = await watcher.sweep();
    expect(report.outcomes).toEqual([
      { runId: "orphan-run", action: "adopted", status: "Succeeded", published: ["Pipeline Run Completed"] },
    ]);
    expect(await store.getRun("orphan-run")).toMatchObject({
      pipeline: "etl",
      version: "v7",
      status: "Succeeded",
      parameters: { date: "2026-01-01" },
      engine: { workflowName: "wf-orphan", uid: "uid-wf-orphan" },
    });
    expect(completions("orphan-run")).toHaveLength(1);
    await watcher.sweep();
    expect(completions("orphan-run")).toHaveLength(1);
  });

  it("closes runs whose workflow never got a status, never appeared, or vanished, and waits within the grace", async () => {
    const watcher = new Watcher(
      { runs: store, outbox, engine, bus },
      { now: () => NOW, noStatusTimeoutMs: 10 * 60_000 },
    );
    // Never picked up by a controller: exists, no status, created an hour ago.
    await store.createRun(newRun("no-status", "wf-ns"));
    engine.set(workflow("wf-ns", {}, { runId: "no-status", created: "2026-01-01T00:00:00Z" }));
    // Never appeared in the engine at all.
    await store.createRun(newRun("never", undefined));
    // Was running, then deleted before its final status was recorded.
    await store.createRun(newRun("vanished", "wf-v"));
    await store.applyStatus({
      runId: "vanished",
      status: "Running",
      startedAt: "2026-01-01T00:00:01Z",
      steps: [
        { runId: "vanished", stepId: "s1", name: "wf-v", displayName: "wf-v", type: "DAG", phase: "Running" },
      ],
    });
    // Just created, not submitted yet.
    await store.createRun(newRun("fresh", undefined, { createdAt: "2026-01-01T00:59:30.000Z" }));

    const report = await watcher.sweep();
    const byRun = Object.fromEntries(report.outcomes.map((o) => [o.runId, o.action]));
    expect(byRun).toEqual({ "no-status": "applied", never: "gone", vanished: "gone", fresh: "waiting" });

    const noStatus = await store.getRun("no-status");
    expect(noStatus?.status).toBe("Error");
    expect(noStatus?.message).toMatch(/never got a status/);
    expect(noStatus?.message).toMatch(/instanceID|instance id/i);
    expect(noStatus?.message).toMatch(/CRD/);
    expect(noStatus?.message).toMatch(/RBAC/);
    expect((await store.getRun("never"))?.message).toMatch(/was not found in the local engine .*CRD.*RBAC/);
    const vanished = await store.getRun("vanished");
    expect(vanished).toMatchObject({ status: "Error", startedAt: "2026-01-01T00:00:01Z" });
    expect(vanished?.message).toMatch(/no longer exists .* last known status: Running/);
    // Its steps were never recorded (that happens with a terminal status the engine never reported).
    expect(await store.listSteps("vanished")).toEqual([]);
    expect((await store.getRun("fresh"))?.status).toBe("Pending");
    expect(
      completions()
        .map((e) => e.detail.runId)
        .sort(),
    ).toEqual(["never", "no-status", "vanished"]);
  });
});

describe("engine retries", () => {
  it("opens a new attempt when a finished run's workflow starts again, with its own completion", async () => {
    const watcher = new Watcher({ runs: store, outbox, engine, bus }, { now: () => NOW });
    await store.createRun(newRun("retried", "wf-r"));
    engine.set(dagAt("wf-r", 3, "Failed", "retried"));
    const event = { runId: "retried", namespace: "default", workflowName: "wf-r" };
    expect((await watcher.handleStatusChange(event)).status).toBe("Failed");
    // Argo's retry: same workflow, failed nodes reset, startedAt restarted, Running again, then Succeeded.
    const again = dagAt("wf-r", 2, "Succeeded", "retried");
    again.status = { ...again.status, startedAt: "2026-01-01T00:30:00Z" };
    engine.set(again);
    expect(await watcher.handleStatusChange(event)).toMatchObject({ action: "applied", status: "Running" });
    const done = dagAt("wf-r", 3, "Succeeded", "retried");
    done.status = { ...done.status, startedAt: "2026-01-01T00:30:00Z", finishedAt: "2026-01-01T00:30:09Z" };
    engine.set(done);
    expect((await watcher.handleStatusChange(event)).published).toEqual(["Pipeline Run Completed"]);
    expect(await store.getRun("retried")).toMatchObject({
      status: "Succeeded",
      startedAt: "2026-01-01T00:30:00Z",
      finishedAt: "2026-01-01T00:30:09Z",
      failedSteps: [],
    });
    expect(completions("retried").map((e) => e.detail.status)).toEqual(["Failed", "Succeeded"]);
    // Duplicates of the retry's end publish nothing more.
    await watcher.handleStatusChange(event);
    expect(completions("retried")).toHaveLength(2);
  });
});

describe("completion outbox", () => {
  it("publishes a completion whose writer failed to publish exactly once, from the sweep after the grace", async () => {
    let failures = 1;
    // Fault injection: the bus refuses the first publish (as an EventBridge outage would).
    const flaky = {
      publish: async (events: Parameters<EventBridgeBus["publish"]>[0]) => {
        if (failures-- > 0) throw new Error("EventBridge unavailable");
        await bus.publish(events);
      },
    };
    // The store stamps outbox entries with the real clock; the watcher's clock is moved past the grace below.
    let now = new Date();
    const watcher = new Watcher(
      { runs: store, outbox, engine, bus: flaky },
      { now: () => now, completionGraceMs: 60_000 },
    );
    await store.createRun(newRun("outbox-run", "wf-o"));
    engine.set(dagAt("wf-o", 3, "Succeeded", "outbox-run"));
    const event = { runId: "outbox-run", namespace: "default", workflowName: "wf-o" };
    await expect(watcher.handleStatusChange(event)).rejects.toThrow(/EventBridge unavailable/);
    expect((await store.getRun("outbox-run"))?.status).toBe("Succeeded");
    // EventBridge retries the invocation: the run is already terminal, so this writer publishes nothing.
    expect(await watcher.handleStatusChange(event)).toMatchObject({ action: "unchanged", published: [] });
    expect((await outbox.listPendingCompletions()).items.map((p) => p.run.runId)).toEqual(["outbox-run"]);

    expect((await watcher.sweep()).outcomes).toEqual([]);
    expect(completions("outbox-run")).toHaveLength(0);
    now = new Date(Date.now() + 120_000);
    const report = await watcher.sweep();
    expect(report.outcomes).toEqual([
      {
        runId: "outbox-run",
        action: "published",
        status: "Succeeded",
        published: ["Pipeline Run Completed"],
      },
    ]);
    await watcher.sweep();
    expect(completions("outbox-run")).toHaveLength(1);
    expect((await outbox.listPendingCompletions()).items).toEqual([]);
  });
});

describe("handler", () => {
  const sample = (name: string) =>
    JSON.parse(readFileSync(new URL(`../../../events/${name}`, import.meta.url), "utf8")) as Record<
      string,
      unknown
    >;

  it("routes the sample trigger events and refuses anything else with a clear error", async () => {
    const handler = createWatcherHandler(
      () => new Watcher({ runs: store, outbox, engine, bus }, { now: () => NOW }),
    );
    const statusEvent = sample("workflow-status.json") as { detail: { runId: string; workflowName: string } };
    await store.createRun(
      newRun(statusEvent.detail.runId, statusEvent.detail.workflowName, {
        engine: { kind: "local", namespace: "default" },
      }),
    );
    const wf = dagAt(statusEvent.detail.workflowName, 3, "Succeeded", statusEvent.detail.runId);
    wf.metadata.uid = "5f0c8a52-1e2d-4c3b-9a8f-7e6d5c4b3a21";
    engine.set(wf);
    expect(await handler(statusEvent)).toMatchObject({
      kind: "status-change",
      outcome: { action: "applied", status: "Succeeded", published: ["Pipeline Run Completed"] },
    });
    expect(await handler(sample("scheduled.json"))).toMatchObject({ kind: "sweep", report: { errors: [] } });
    const wrong = sample("run-completed.json");
    await expect(handler(wrong)).rejects.toThrow(InvalidWatcherEventError);
    await expect(handler(wrong)).rejects.toThrow(/got an event from skiff/);
  });
});

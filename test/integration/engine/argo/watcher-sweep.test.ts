import { randomUUID } from "node:crypto";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoCompletionOutbox } from "../../../../lib/adapters/dynamodb/completion-outbox";
import { DynamoRunStore } from "../../../../lib/adapters/dynamodb/run-store";
import { EventBridgeBus } from "../../../../lib/adapters/eventbridge/event-bus";
import type { Workflow } from "../../../../lib/argo";
import { createArgoEngine } from "../../../../lib/engine/argo";
import { LABEL_PIPELINE, LABEL_VERSION } from "../../../../lib/engine/labels";
import { LocalEngine } from "../../../../lib/engine/local";
import type { EventEnvelope } from "../../../../lib/local/bus/envelope";
import type { Engine } from "../../../../lib/ports/engine";
import type { RunRecord } from "../../../../lib/ports/run-store";
import { Watcher } from "../../../../lib/runs/watcher";
import { FAILING, HELLO, SLOW } from "../../../contract/engine.contract";
import { LocalEngineController } from "../../../support/fake-k8s/local-engine-controller";
import { FakeKubeApiServer } from "../../../support/fake-k8s/server";
import { type EventBusServer, LOCAL_CREDENTIALS, LOCAL_REGION, startBus } from "../../../support/servers";
import { tempDir } from "../../../support/temp-dir";
import { type DynamoFixture, startDynamo } from "../../adapters/dynamodb/dynamo-local";

/**
 * Lost exit events: runs on the Argo engine (fake API server, local engine as controller) finish
 * without any status event reaching the watcher; its scheduled sweep must record every one of them
 * and publish exactly one `Pipeline Run Completed` per run.
 */
let dynamo: DynamoFixture;
let busServer: EventBusServer;
let eventBridge: EventBridgeClient;
let server: FakeKubeApiServer;
let local: LocalEngine;
const work = tempDir("engine");
let engine: Engine;
const received: EventEnvelope[] = [];

beforeAll(async () => {
  [dynamo, busServer] = await Promise.all([startDynamo(), startBus({ buses: ["skiff"] })]);
  busServer.router.subscribe((event, name) => {
    if (name === "skiff") received.push(event);
  });
  eventBridge = new EventBridgeClient({
    endpoint: busServer.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  local = new LocalEngine({ namespace: "skiff", workDir: work.path });
  const controller = new LocalEngineController(local);
  server = new FakeKubeApiServer({ controller });
  controller.attach(server);
  const url = await server.start();
  engine = createArgoEngine({
    cluster: { mode: "server", server: url, skipTLSVerify: true, token: { token: async () => "t" } },
    namespace: "skiff",
  });
});
afterAll(async () => {
  eventBridge?.destroy();
  await server?.stop();
  await local?.close();
  work.remove();
  await Promise.all([dynamo?.stop(), busServer?.stop()]);
});

function record(runId: string): RunRecord {
  return {
    runId,
    pipeline: "contract",
    version: "v1",
    status: "Pending",
    parameters: {},
    engine: { kind: "argo", namespace: "skiff" },
    createdAt: new Date().toISOString(),
  };
}

async function start(
  store: DynamoRunStore,
  spec: Workflow,
  known = true,
): Promise<{ runId: string; wf: Workflow }> {
  const runId = `run-${randomUUID()}`;
  if (known) await store.createRun(record(runId));
  const wf = await engine.submit(spec, {
    runId,
    labels: { [LABEL_PIPELINE]: "contract", [LABEL_VERSION]: "v1" },
  });
  return { runId, wf };
}

async function completed(wf: Workflow): Promise<void> {
  for (;;) {
    const current = await engine.get({ namespace: "skiff", name: wf.metadata.name! });
    if (current?.metadata.labels?.["workflows.argoproj.io/completed"] === "true") return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function running(wf: Workflow): Promise<void> {
  for (;;) {
    const current = await engine.get({ namespace: "skiff", name: wf.metadata.name! });
    if (Object.values(current?.status?.nodes ?? {}).some((n) => n.type === "Pod" && n.phase === "Running"))
      return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the watcher's sweep against the Argo engine", () => {
  it("recovers every run whose status events were all lost, publishing one completion each", async () => {
    const tableName = await dynamo.newTable();
    const store = new DynamoRunStore({ tableName, client: dynamo.client });
    const outbox = new DynamoCompletionOutbox({ tableName, client: dynamo.client });
    const bus = new EventBridgeBus({ busName: "skiff", client: eventBridge });
    const watcher = new Watcher({ runs: store, outbox, engine, bus }, { noStatusTimeoutMs: 60_000 });

    const ok = await start(store, HELLO);
    const failed = await start(store, FAILING);
    const stopped = await start(store, SLOW);
    const terminated = await start(store, SLOW);
    const unknown = await start(store, HELLO, false);
    await Promise.all([running(stopped.wf), running(terminated.wf)]);
    await engine.stop({ namespace: "skiff", name: stopped.wf.metadata.name! });
    await engine.terminate({ namespace: "skiff", name: terminated.wf.metadata.name! });
    await Promise.all([ok, failed, stopped, terminated, unknown].map(({ wf }) => completed(wf)));

    const report = await watcher.sweep();
    expect(report.errors).toEqual([]);
    await busServer.router.idle();

    const statuses = await Promise.all(
      [ok, failed, stopped, terminated, unknown].map(
        async ({ runId }) => (await store.getRun(runId))?.status,
      ),
    );
    expect(statuses).toEqual(["Succeeded", "Failed", "Stopped", "Terminated", "Succeeded"]);
    const run = await store.getRun(ok.runId);
    expect(run?.engine).toMatchObject({
      kind: "argo",
      namespace: "skiff",
      workflowName: ok.wf.metadata.name,
      uid: ok.wf.metadata.uid,
    });

    const completions = (runId: string) =>
      received.filter((e) => e["detail-type"] === "Pipeline Run Completed" && e.detail.runId === runId);
    for (const { runId } of [ok, failed, stopped, terminated, unknown])
      expect(completions(runId)).toHaveLength(1);
    expect(completions(failed.runId)[0].detail.failedSteps).toEqual([
      expect.objectContaining({
        name: "boom",
        message: "main: Error (exit code 3)",
        exitCode: 3,
        // Read from the pod's log (Kubernetes merges its streams, so the whole log's tail).
        stderrTail: "about-to-fail",
      }),
    ]);

    // A second sweep finds nothing new to publish.
    await watcher.sweep();
    await busServer.router.idle();
    for (const { runId } of [ok, failed, stopped, terminated, unknown])
      expect(completions(runId)).toHaveLength(1);
  });
});

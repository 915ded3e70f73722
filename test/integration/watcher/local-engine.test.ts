import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoCompletionOutbox } from "../../../lib/adapters/dynamodb/completion-outbox";
import { DynamoRunStore } from "../../../lib/adapters/dynamodb/run-store";
import { EventBridgeBus } from "../../../lib/adapters/eventbridge/event-bus";
import type { Template, Workflow } from "../../../lib/argo";
import { LABEL_PIPELINE, LABEL_RUN_ID, LABEL_VERSION } from "../../../lib/engine/labels";
import { LocalEngine } from "../../../lib/engine/local";
import type { EventEnvelope } from "../../../lib/local/bus/envelope";
import { Watcher } from "../../../lib/runs/watcher";
import { type EventBusServer, LOCAL_CREDENTIALS, LOCAL_REGION, startBus } from "../../support/servers";
import { tempDir } from "../../support/temp-dir";
import { type DynamoFixture, startDynamo } from "../adapters/dynamodb/dynamo-local";

// The watcher driven by the real local engine's change feed: every workflow change becomes a status event
// (as the exit notifier and the stack's wiring do), handled as it comes; records and events are then checked.
let dynamo: DynamoFixture;
let busServer: EventBusServer;
let eventBridge: EventBridgeClient;
let engine: LocalEngine;
const work = tempDir("engine");
let store: DynamoRunStore;
let watcher: Watcher;
const received: EventEnvelope[] = [];

beforeAll(async () => {
  [dynamo, busServer] = await Promise.all([startDynamo(), startBus({ buses: ["skiff"] })]);
  busServer.router.subscribe((event, bus) => {
    if (bus === "skiff") received.push(event);
  });
  eventBridge = new EventBridgeClient({
    endpoint: busServer.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  engine = new LocalEngine({ namespace: "skiff", workDir: work.path });
  const tableName = await dynamo.newTable();
  store = new DynamoRunStore({ tableName, client: dynamo.client });
  watcher = new Watcher({
    runs: store,
    outbox: new DynamoCompletionOutbox({ tableName, client: dynamo.client }),
    engine,
    bus: new EventBridgeBus({ busName: "skiff", client: eventBridge }),
  });
});
afterAll(async () => {
  eventBridge?.destroy();
  await engine?.close();
  work.remove();
  await Promise.all([dynamo?.stop(), busServer?.stop()]);
});

const shell = (name: string, script: string, outputs?: Template["outputs"]): Template => ({
  name,
  container: { image: "alpine:3.23", command: ["sh", "-c"], args: [script] },
  ...(outputs ? { outputs } : {}),
});

const pipeline: Workflow = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Workflow",
  metadata: { generateName: "etl-" },
  spec: {
    entrypoint: "main",
    arguments: { parameters: [{ name: "fail", value: "no" }] },
    templates: [
      {
        name: "main",
        dag: {
          tasks: [
            { name: "extract", template: "extract" },
            {
              name: "load",
              template: "load",
              dependencies: ["extract"],
              arguments: { parameters: [{ name: "fail", value: "{{workflow.parameters.fail}}" }] },
            },
          ],
        },
      },
      shell("extract", "echo extracted"),
      {
        ...shell(
          "load",
          'if [ "{{inputs.parameters.fail}}" = yes ]; then echo broken >&2; exit 3; fi; echo loaded',
        ),
        inputs: { parameters: [{ name: "fail" }] },
      },
    ],
  },
};

/** Submits a run, feeds every change of its workflow to the watcher, and resolves once the run is terminal. */
async function runThroughWatcher(runId: string, fail: "yes" | "no", spec: Workflow = pipeline) {
  const abort = new AbortController();
  const feed = (async () => {
    for await (const change of engine.watch({
      labelSelector: `${LABEL_RUN_ID}=${runId}`,
      signal: abort.signal,
    })) {
      const wf = change.object;
      const outcome = await watcher.handleStatusChange({
        runId,
        namespace: wf.metadata.namespace ?? "skiff",
        workflowName: wf.metadata.name ?? "",
        uid: wf.metadata.uid,
        phase: wf.status?.phase,
      });
      if (outcome.published.includes("Pipeline Run Completed")) return;
    }
  })();
  await store.createRun({
    runId,
    pipeline: "etl",
    version: "v1",
    status: "Pending",
    parameters: { fail },
    engine: { kind: "local", namespace: "skiff" },
    createdAt: new Date().toISOString(),
  });
  await engine.submit(spec, {
    runId,
    parameters: { fail },
    labels: { [LABEL_PIPELINE]: "etl", [LABEL_VERSION]: "v1" },
  });
  try {
    await feed;
  } finally {
    abort.abort();
  }
}

describe("watcher on the local engine", () => {
  it("records a successful run, its steps, and publishes one completion", async () => {
    await runThroughWatcher("local-ok", "no");
    const run = await store.getRun("local-ok");
    expect(run).toMatchObject({
      status: "Succeeded",
      failedSteps: [],
      engine: { kind: "local", namespace: "skiff" },
    });
    expect(run?.engine.workflowName).toMatch(/^etl-/);
    expect(run?.startedAt).toEqual(expect.any(String));
    const steps = await store.listSteps("local-ok");
    expect(
      steps
        .filter((s) => s.type === "Pod")
        .map((s) => [s.displayName, s.phase])
        .sort(),
    ).toEqual([
      ["extract", "Succeeded"],
      ["load", "Succeeded"],
    ]);
    expect(
      received.filter((e) => e["detail-type"] === "Pipeline Run Completed" && e.detail.runId === "local-ok"),
    ).toHaveLength(1);
  });

  it("records a failed run with the failing step's message and exit code", async () => {
    await runThroughWatcher("local-fail", "yes");
    const run = await store.getRun("local-fail");
    expect(run?.status).toBe("Failed");
    expect(run?.failedSteps).toEqual([
      expect.objectContaining({ name: "load", exitCode: 3, message: expect.stringContaining("exit code 3") }),
    ]);
    const completed = received.filter(
      (e) => e["detail-type"] === "Pipeline Run Completed" && e.detail.runId === "local-fail",
    );
    expect(completed).toHaveLength(1);
    expect(completed[0].detail).toMatchObject({ status: "Failed", parameters: { fail: "yes" } });
    expect((await store.queryStepsByTemplate("load", { phase: "Failed" })).items.map((s) => s.runId)).toEqual(
      ["local-fail"],
    );
  });

  it("records a failed Python step's traceback on the step, the run and the completion event", async () => {
    const python: Workflow = {
      ...pipeline,
      metadata: { generateName: "py-" },
      spec: {
        entrypoint: "divide",
        templates: [
          {
            name: "divide",
            script: {
              image: "python:3.12",
              command: ["python"],
              // stdout after the traceback's start must not push the traceback out of the tail
              source: [
                "import sys",
                "for i in range(50): print('progress', i)",
                "def ratio(a, b):",
                "    return a / b",
                "print('about to divide', flush=True)",
                "ratio(1, 0)",
              ].join("\n"),
            },
          },
        ],
      },
    };
    await runThroughWatcher("local-py", "yes", python);
    const run = await store.getRun("local-py");
    expect(run?.status).toBe("Failed");
    const tail = run?.failedSteps?.[0]?.stderrTail ?? "";
    expect(tail).toContain("Traceback (most recent call last)");
    expect(tail).toContain("in ratio");
    expect(tail.split("\n").at(-1)).toBe("ZeroDivisionError: division by zero");
    expect(tail).not.toContain("progress");
    const step = (await store.listSteps("local-py")).find((s) => s.type === "Pod");
    expect(step?.stderrTail).toBe(tail);
    const completed = received.filter(
      (e) => e["detail-type"] === "Pipeline Run Completed" && e.detail.runId === "local-py",
    );
    expect(completed).toHaveLength(1);
    expect(completed[0].detail).toMatchObject({ failedSteps: [{ stderrTail: tail }] });
  });
});

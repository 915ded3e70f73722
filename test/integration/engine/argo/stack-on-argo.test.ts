import { readFileSync } from "node:fs";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventBridgeBus } from "../../../../lib/adapters/eventbridge/event-bus";
import { scheduleService } from "../../../../lib/api/wiring";
import { ANNOTATION_SCHEDULED_TIME, LABEL_CRON_WORKFLOW } from "../../../../lib/argo/labels";
import { compilePipeline } from "../../../../lib/compiler";
import { loadConfig } from "../../../../lib/config";
import { createEngine } from "../../../../lib/engine";
import { LABEL_RUN_ID } from "../../../../lib/engine/labels";
import { LocalEngine } from "../../../../lib/engine/local";
import type { EventEnvelope } from "../../../../lib/local/bus/envelope";
import { BuildService } from "../../../../lib/pipelines/build-service";
import type { Engine } from "../../../../lib/ports/engine";
import { keys } from "../../../../lib/ports/spec-store";
import { Watcher } from "../../../../lib/runs/watcher";
import { LocalEngineController } from "../../../support/fake-k8s/local-engine-controller";
import { FakeKubeApiServer } from "../../../support/fake-k8s/server";
import { type EventBusServer, LOCAL_CREDENTIALS, LOCAL_REGION, startBus } from "../../../support/servers";
import { tempDir } from "../../../support/temp-dir";
import { type ApiStack, startApiStack } from "../../api/harness";

/**
 * The product's path with SKIFF_ENGINE=argo: the run endpoint submits through the Argo engine (made
 * from the engine settings lib/config.ts reads from the environment) to the fake Kubernetes API server, the watcher follows
 * the workflow through the engine's watch, and the run record, steps, logs and the completion event
 * come out as with the local engine. A pushed workflowTemplate is installed in the cluster by the build and a
 * pipeline calling it by templateRef runs there (issue 17's "a pipeline using a pushed template runs on both engines"),
 * and a cronWorkflow's firing is an ordinary run there.
 */
const HELLO_SOURCE = readFileSync(new URL("../../../../examples/hello/pipeline.ts", import.meta.url), "utf8");

let stack: ApiStack;
let busServer: EventBusServer;
let eventBridge: EventBridgeClient;
let server: FakeKubeApiServer;
let local: LocalEngine;
const work = tempDir("engine");
let engine: Engine;
const received: EventEnvelope[] = [];

beforeAll(async () => {
  local = new LocalEngine({ namespace: "skiff", workDir: work.path });
  const controller = new LocalEngineController(local);
  server = new FakeKubeApiServer({ controller });
  controller.attach(server);
  const [url, bus, api] = await Promise.all([
    server.start(),
    startBus({ buses: ["skiff"] }),
    startApiStack(),
  ]);
  busServer = bus;
  stack = api;
  busServer.router.subscribe((event, name) => {
    if (name === "skiff") received.push(event);
  });
  eventBridge = new EventBridgeClient({
    endpoint: busServer.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const env = {
    SKIFF_BUCKET: "skiff-test",
    SKIFF_TABLE: "skiff-test",
    SKIFF_ENGINE: "argo",
    SKIFF_NAMESPACE: "skiff",
    SKIFF_KUBE_SERVER: url,
    SKIFF_KUBE_TOKEN: "lambda-token",
    SKIFF_KUBE_INSECURE: "true",
  };
  engine = createEngine(loadConfig({ ...process.env, ...env }).engine);
  stack.deps.engine = engine;
  stack.deps.config.engine = { kind: "argo", namespace: "skiff" };
});
afterAll(async () => {
  eventBridge?.destroy();
  await server?.stop();
  await local?.close();
  await Promise.all([stack?.stop(), busServer?.stop()]);
  work.remove();
});

/**
 * The stack's engine feed, on Argo: every watch event of the run's workflow becomes a status-change event for the
 * stack's watcher, which publishes to the bus, until the workflow is completed.
 */
async function follow(runId: string): Promise<void> {
  const watcher = new Watcher({
    runs: stack.runs,
    outbox: stack.outbox,
    engine,
    bus: new EventBridgeBus({ busName: "skiff", client: eventBridge }),
  });
  const controller = new AbortController();
  for await (const event of engine.watch({
    labelSelector: `${LABEL_RUN_ID}=${runId}`,
    signal: controller.signal,
  })) {
    const wf = event.object;
    await watcher.handleStatusChange({
      runId,
      namespace: wf.metadata.namespace ?? "skiff",
      workflowName: wf.metadata.name ?? "",
      uid: wf.metadata.uid,
      phase: wf.status?.phase,
    });
    if (wf.metadata.labels?.["workflows.argoproj.io/completed"] === "true") break;
  }
  controller.abort();
}

describe("the stack with SKIFF_ENGINE=argo (fake API server)", () => {
  it("runs a pushed pipeline through the run endpoint, records it and publishes its completion once", async () => {
    expect(engine.kind).toBe("argo");
    await stack.push("hello", HELLO_SOURCE);
    const created = await stack.call("POST", "/pipelines/hello/runs", {
      body: { parameters: { who: "argo" } },
    });
    expect(created.status).toBe(201);
    const runId: string = created.body.runId;

    const workflows = server.created.filter((wf) => wf.metadata.labels?.[LABEL_RUN_ID] === runId);
    expect(workflows).toHaveLength(1);
    expect(workflows[0].spec.arguments?.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "who", value: "argo" })]),
    );
    expect(server.requests.find((r) => r.method === "POST")?.authorization).toBe("Bearer lambda-token");

    await follow(runId);
    await busServer.router.idle();

    const run = await stack.call("GET", `/runs/${runId}`);
    expect(run.status).toBe(200);
    expect(run.body.status).toBe("Succeeded");
    expect(run.body.engine).toMatchObject({
      kind: "argo",
      namespace: "skiff",
      workflowName: workflows[0].metadata.name,
    });
    const step = (run.body.steps as Array<{ stepId: string; type: string; phase: string }>).find(
      (s) => s.type === "Pod",
    );
    expect(step?.phase).toBe("Succeeded");

    const logs = await stack.call("GET", `/runs/${runId}/steps/${step?.stepId}/logs`);
    expect(logs.status).toBe(200);
    expect(JSON.stringify(logs.body)).toContain("hello, argo");

    const completions = received.filter(
      (e) => e["detail-type"] === "Pipeline Run Completed" && e.detail.runId === runId,
    );
    expect(completions).toHaveLength(1);
    expect(completions[0].detail).toMatchObject({
      status: "Succeeded",
      pipeline: "hello",
      engine: { kind: "argo" },
    });
  });

  it("installs a pushed workflowTemplate in the cluster, and a pipeline pushed after it runs its template by templateRef", async () => {
    // The build function as deployed with SKIFF_ENGINE=argo: it installs and checks templates through the Argo engine.
    const builds = new BuildService({
      specs: stack.specs,
      pipelines: stack.pipelines,
      schedules: stack.schedules,
      bus: { publish: async () => undefined },
      compile: (r) => compilePipeline(r),
      templates: engine,
    });
    const push = async (name: string, source: string) => {
      await stack.specs.put(keys.pipelineSource(name), source);
      const outcome = await builds.buildKey(keys.pipelineSource(name));
      if (outcome.kind !== "built" || !outcome.version.ok)
        throw new Error(`push ${name}: ${JSON.stringify(outcome)}`);
    };
    await push(
      "argo-library",
      `import { container, param, workflowTemplate } from "skiff";
const greet = container({
  name: "greet",
  image: "alpine:3.20",
  command: ["echo", "shared hello {{inputs.parameters.who}}"],
  inputs: { who: param() },
});
export default workflowTemplate({ name: "argo-greetings", templates: [greet] });
`,
    );
    // Installed through the Kubernetes API (workflowtemplates), labelled with its pipeline and version.
    const installed = await engine.getTemplate({ kind: "WorkflowTemplate", name: "argo-greetings" });
    expect(installed?.metadata).toMatchObject({
      namespace: "skiff",
      labels: { "skiff.dev/pipeline": "argo-library", "skiff.dev/version": "v1" },
    });
    expect(server.requests.some((r) => r.method === "POST" && r.path.includes("/workflowtemplates"))).toBe(
      true,
    );

    await push(
      "argo-caller",
      `import { param, steps, templateRef, workflow } from "skiff";
const greet = templateRef({ name: "argo-greetings", template: "greet", inputs: { who: param() } });
const main = steps("main", (s) => {
  s.step("hello", greet, { args: { who: "argo" } });
});
export default workflow({ generateName: "caller-", entrypoint: main });
`,
    );
    const created = await stack.call("POST", "/pipelines/argo-caller/runs", { body: {} });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const runId: string = created.body.runId;
    await follow(runId);

    const run = await stack.call("GET", `/runs/${runId}`);
    expect(run.body.status).toBe("Succeeded");
    // The workflow reached the cluster with its reference, not with the library's template copied in.
    const [submitted] = server.created.filter((wf) => wf.metadata.labels?.[LABEL_RUN_ID] === runId);
    expect(submitted?.spec.templates?.map((t) => t.name)).toEqual(["main"]);
    expect(submitted?.spec.templates?.[0]?.steps?.[0]?.[0]?.templateRef).toEqual({
      name: "argo-greetings",
      template: "greet",
    });
    const step = (run.body.steps as Array<{ stepId: string; type: string }>).find((s) => s.type === "Pod");
    const logs = await stack.call("GET", `/runs/${runId}/steps/${step?.stepId}/logs`);
    expect(JSON.stringify(logs.body)).toContain("shared hello argo");
  });

  it("runs a cronWorkflow's firing as an ordinary run: submitted to the cluster, watched, completed once", async () => {
    await stack.push(
      "argo-nightly",
      `import { container, cronWorkflow } from "skiff";
export default cronWorkflow({
  name: "argo-nightly",
  schedules: ["* * * * *"],
  entrypoint: container({ name: "main", image: "alpine:3.20", command: ["echo", "fired at {{workflow.scheduledTime}}"] }),
});
`,
    );
    // The schedules function's service over the API's ports, the Argo engine among them.
    const outcome = (
      await scheduleService(stack.deps, stack.schedules).tick(new Date(Date.now() + 60_000))
    ).find((o) => o.pipeline === "argo-nightly");
    if (outcome?.kind !== "started") throw new Error(`expected a run, got ${JSON.stringify(outcome)}`);
    const { runId, scheduledTime } = outcome;
    const [submitted] = server.created.filter((wf) => wf.metadata.labels?.[LABEL_RUN_ID] === runId);
    expect(submitted?.kind).toBe("Workflow");
    expect(submitted?.metadata.labels?.[LABEL_CRON_WORKFLOW]).toBe("argo-nightly");
    const at = scheduledTime.replace(".000Z", "Z");
    expect(submitted?.metadata.annotations?.[ANNOTATION_SCHEDULED_TIME]).toBe(at);

    await follow(runId);
    await busServer.router.idle();
    const run = await stack.call("GET", `/runs/${runId}`);
    expect(run.body).toMatchObject({ status: "Succeeded", caller: "schedule", engine: { kind: "argo" } });
    const step = (run.body.steps as Array<{ stepId: string; type: string }>).find((s) => s.type === "Pod");
    const logs = await stack.call("GET", `/runs/${runId}/steps/${step?.stepId}/logs`);
    expect(JSON.stringify(logs.body)).toContain(`fired at ${at}`);
    const completions = received.filter(
      (e) => e["detail-type"] === "Pipeline Run Completed" && e.detail.runId === runId,
    );
    expect(completions).toHaveLength(1);
    expect(completions[0]?.detail).toMatchObject({ status: "Succeeded", caller: "schedule" });
  });
});

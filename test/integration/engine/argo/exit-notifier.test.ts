import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Workflow } from "../../../../lib/argo";
import { injectExitNotifier, NOTIFIER_TEMPLATE } from "../../../../lib/compiler/exit-notifier";
import { LocalEngine } from "../../../../lib/engine/local";
import { type EventBusServer, LOCAL_CREDENTIALS, LOCAL_REGION, startBus } from "../../../support/servers";
import { tempDir } from "../../../support/temp-dir";

/**
 * The injected exit notifier, executed for real: the local engine runs the notifier's shell script
 * (the AWS CLI image mapped to the host shell, `aws` to a stand-in that makes the PutEvents call)
 * against the embedded EventBridge.
 */
const STAND_IN = fileURLToPath(new URL("./aws-cli-stand-in.mjs", import.meta.url));

let bus: EventBusServer;
let engine: LocalEngine;
const work = tempDir("engine");

beforeAll(async () => {
  bus = await startBus({ buses: ["skiff-test"] });
  engine = new LocalEngine({
    namespace: "skiff",
    workDir: work.path,
    images: [{ match: /aws-cli/, shims: { aws: `exec "${process.execPath}" "${STAND_IN}" "$@"` } }],
  });
});
afterAll(async () => {
  await engine?.close();
  work.remove();
  await bus?.stop();
});

function withNotifier(spec: Workflow): Workflow {
  const out = injectExitNotifier(spec, { eventBusName: "skiff-test", region: LOCAL_REGION });
  const notifier = out.spec.templates!.find((t) => t.name === NOTIFIER_TEMPLATE)!;
  // What IRSA and the cluster network give the pod in AWS: credentials and the endpoint.
  notifier.container!.env!.push(
    { name: "AWS_ENDPOINT_URL_EVENTBRIDGE", value: bus.endpoint },
    { name: "AWS_ACCESS_KEY_ID", value: LOCAL_CREDENTIALS.accessKeyId },
    { name: "AWS_SECRET_ACCESS_KEY", value: LOCAL_CREDENTIALS.secretAccessKey },
  );
  return out;
}

const shell = (name: string, script: string) => ({
  name,
  container: { image: "alpine:3.20", command: ["sh", "-c"], args: [script] },
});

async function runToEnd(spec: Workflow, runId: string): Promise<Workflow> {
  const created = await engine.submit(spec, { runId });
  const ref = { namespace: "skiff", name: created.metadata.name! };
  for (;;) {
    const wf = await engine.get(ref);
    if (wf?.metadata.labels?.["workflows.argoproj.io/completed"] === "true") return wf;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function eventFor(
  runId: string,
): Promise<{ detail: Record<string, unknown>; "detail-type": string; source: string }> {
  await bus.router.idle();
  const events = bus.router.history("skiff-test");
  const match = events.filter((e) => e.detail.runId === runId);
  expect(match).toHaveLength(1);
  return match[0];
}

describe("exit notifier (executed)", () => {
  it("publishes run id, workflow name and uid, status and failures when the run fails", async () => {
    const runId = `run-${randomUUID()}`;
    const spec: Workflow = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Workflow",
      metadata: { generateName: "notify-fail-" },
      spec: {
        entrypoint: "main",
        templates: [
          { name: "main", steps: [[{ name: "explode", template: "explode" }]] },
          shell("explode", 'echo "it \\"broke\\""; exit 4'),
        ],
      },
    };
    const done = await runToEnd(withNotifier(spec), runId);
    expect(done.status?.phase).toBe("Failed");
    const event = await eventFor(runId);
    expect(event.source).toBe("skiff.engine");
    expect(event["detail-type"]).toBe("Workflow Status Change");
    expect(event.detail).toMatchObject({
      runId,
      namespace: "skiff",
      workflowName: done.metadata.name,
      uid: done.metadata.uid,
      phase: "Failed",
      origin: "exit-notifier",
    });
    const failures = JSON.parse(String(event.detail.failures)) as Array<Record<string, string>>;
    expect(failures.map((f) => f.displayName)).toContain("explode");
    expect(failures.find((f) => f.displayName === "explode")?.message).toBe("main: Error (exit code 4)");
  });

  it("still runs the user's exit handler, and a failing user handler still fails the run", async () => {
    const runId = `run-${randomUUID()}`;
    const spec: Workflow = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Workflow",
      metadata: { generateName: "notify-compose-" },
      spec: {
        entrypoint: "main",
        onExit: "cleanup",
        templates: [shell("main", "echo working"), shell("cleanup", "echo cleaning-up; exit 1")],
      },
    };
    const done = await runToEnd(withNotifier(spec), runId);
    const nodes = Object.values(done.status?.nodes ?? {});
    const userExit = nodes.find((n) => n.templateName === "cleanup");
    expect(userExit?.phase).toBe("Failed");
    expect(nodes.find((n) => n.templateName === NOTIFIER_TEMPLATE)?.phase).toBe("Succeeded");
    // Main succeeded + exit handler failed ⇒ Failed, as without the notifier.
    expect(done.status?.phase).toBe("Failed");
    const event = await eventFor(runId);
    expect(event.detail).toMatchObject({ runId, phase: "Succeeded", failures: "[]" });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../../../lib/ports/engine";
import { Watcher } from "../../../../lib/runs/watcher";
import type { FakeKubeApiServer } from "../../../support/fake-k8s/server";
import type { ApiStack } from "../../api/harness";
import { type ApiOnFakeArgo, startApiOnFakeArgo } from "./api-on-fake-argo";

/**
 * Logs that outlive the cluster, against the fake Kubernetes API server: a finished Argo step's log is read from
 * its pod while the pod exists, and from the log Argo archived in the Skiff bucket (`archiveLogs`, the
 * `main-logs` output artifact the run's record keeps) once the pod and then the whole workflow are deleted; and
 * the watcher takes a failed step's stderr tail from that archive when the pod's log is already gone.
 */
const SOURCE = `import { container, workflow } from "skiff";
export default workflow({
  generateName: "talk-",
  entrypoint: container({ name: "talk", image: "alpine:3.20", command: ["echo", "hi"] }),
});
`;

let fake: ApiOnFakeArgo;
let stack: ApiStack;
let server: FakeKubeApiServer;
let engine: Engine;

beforeAll(async () => {
  fake = await startApiOnFakeArgo();
  ({ stack, server, engine } = fake);
});
afterAll(() => fake?.stop());

async function remove(path: string): Promise<void> {
  const response = await fetch(`${server.url}${path}`, {
    method: "DELETE",
    headers: { authorization: "Bearer t" },
  });
  expect(response.status).toBe(200);
}

describe("archived step logs on Argo", () => {
  it("reads a finished step's log from the archive once its pod and workflow are deleted", async () => {
    await stack.push("talk", SOURCE);
    const created = await stack.call("POST", "/pipelines/talk/runs", { body: {} });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const runId: string = created.body.runId;
    const name = (await stack.runs.getRun(runId))?.engine.workflowName ?? "";
    expect(name).toMatch(/^talk-/);

    // Argo's controller finishes the one-pod workflow; its executor archived the main container's log.
    const key = `artifacts/skiff/${name}/${name}/main.log`;
    const at = new Date().toISOString();
    server.update("skiff", name, (wf) => {
      wf.metadata.labels = { ...wf.metadata.labels, "workflows.argoproj.io/completed": "true" };
      wf.status = {
        phase: "Succeeded",
        startedAt: at,
        finishedAt: at,
        nodes: {
          [name]: {
            id: name,
            name,
            displayName: name,
            type: "Pod",
            templateName: "talk",
            phase: "Succeeded",
            startedAt: at,
            finishedAt: at,
            outputs: { artifacts: [{ name: "main-logs", s3: { key } }], exitCode: "0" },
          },
        },
      };
    });
    server.setPodLog("skiff", name, [`${at} live line`]);
    await stack.specs.put(key, "archived line 1\narchived line 2\n");
    const watcher = new Watcher({
      runs: stack.runs,
      outbox: stack.outbox,
      engine,
      bus: { publish: async () => undefined },
    });
    const outcome = await watcher.handleStatusChange({ runId, namespace: "skiff", workflowName: name });
    expect(outcome.status).toBe("Succeeded");
    const [step] = await stack.runs.listSteps(runId);
    expect(step?.outputArtifacts).toEqual([{ name: "main-logs", key }]);

    const logs = async () => {
      const response = await stack.call("GET", `/runs/${runId}/steps/${name}/logs`);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return (response.body.lines as Array<{ text: string }>).map((l) => l.text);
    };
    // The pod is there: its live log.
    expect(await logs()).toEqual(["live line"]);
    // The pod is garbage-collected: the archive.
    await remove(`/api/v1/namespaces/skiff/pods/${name}`);
    expect(await logs()).toEqual(["archived line 1", "archived line 2"]);
    // The workflow is deleted too (its TTL): still the archive.
    await remove(`/apis/argoproj.io/v1alpha1/namespaces/skiff/workflows/${name}`);
    expect(await engine.get({ namespace: "skiff", name })).toBeUndefined();
    expect(await logs()).toEqual(["archived line 1", "archived line 2"]);
  });

  it("takes a failed step's stderr tail from the archived log when its pod is already gone", async () => {
    const created = await stack.call("POST", "/pipelines/talk/runs", { body: {} });
    expect(created.status).toBe(201);
    const runId: string = created.body.runId;
    const name = (await stack.runs.getRun(runId))?.engine.workflowName ?? "";
    const key = `artifacts/skiff/${name}/${name}/main.log`;
    const at = new Date().toISOString();
    server.update("skiff", name, (wf) => {
      wf.metadata.labels = { ...wf.metadata.labels, "workflows.argoproj.io/completed": "true" };
      wf.status = {
        phase: "Failed",
        startedAt: at,
        finishedAt: at,
        nodes: {
          [name]: {
            id: name,
            name,
            displayName: name,
            type: "Pod",
            templateName: "talk",
            phase: "Failed",
            message: "Error (exit code 1)",
            startedAt: at,
            finishedAt: at,
            outputs: { artifacts: [{ name: "main-logs", s3: { key } }], exitCode: "1" },
          },
        },
      };
    });
    await stack.specs.put(
      key,
      'Traceback (most recent call last):\n  File "main.py", line 1\nValueError: bad input\n',
    );
    const watcher = new Watcher({
      runs: stack.runs,
      outbox: stack.outbox,
      engine,
      bus: { publish: async () => undefined },
      specs: stack.specs,
    });
    expect((await watcher.handleStatusChange({ runId, namespace: "skiff", workflowName: name })).status).toBe(
      "Failed",
    );
    const run = await stack.runs.getRun(runId);
    expect(run?.failedSteps?.[0]?.stderrTail).toBe(
      'Traceback (most recent call last):\n  File "main.py", line 1\nValueError: bad input',
    );
  });
});

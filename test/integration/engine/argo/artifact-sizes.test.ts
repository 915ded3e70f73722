import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3ArtifactReader } from "../../../../lib/adapters/s3/artifact-reader";
import { s3ClientFor } from "../../../../lib/adapters/s3/client";
import { createArgoEngine } from "../../../../lib/engine/argo";
import type { Engine } from "../../../../lib/ports/engine";
import { Watcher } from "../../../../lib/runs/watcher";
import { FakeKubeApiServer } from "../../../support/fake-k8s/server";
import { type ApiStack, startApiStack } from "../../api/harness";

/**
 * Artifact sizes on Argo, against the fake Kubernetes API server and the S3 server: Argo records no size on a
 * node, so the watcher looks each artifact stored in the Skiff bucket up once when it records the run's final
 * status; an artifact in another bucket or absent stays without one, and a repeated event looks nothing up.
 */
const SOURCE = `import { container, workflow } from "skiff";
export default workflow({
  generateName: "sized-",
  entrypoint: container({ name: "make", image: "alpine:3.20", command: ["echo", "hi"] }),
});
`;

let stack: ApiStack;
let server: FakeKubeApiServer;
let engine: Engine;

beforeAll(async () => {
  server = new FakeKubeApiServer();
  const [url, api] = await Promise.all([server.start(), startApiStack()]);
  stack = api;
  engine = createArgoEngine({
    cluster: { mode: "server", server: url, skipTLSVerify: true, token: { token: async () => "t" } },
    namespace: "skiff",
  });
  stack.deps.engine = engine;
  stack.deps.config.engine = { kind: "argo", namespace: "skiff" };
});
afterAll(async () => {
  await Promise.all([server?.stop(), stack?.stop()]);
});

describe("artifact sizes on Argo", () => {
  it("records the size of each artifact stored in the Skiff bucket with the run's final status", async () => {
    await stack.push("sized", SOURCE);
    const created = await stack.call("POST", "/pipelines/sized/runs", { body: {} });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const runId: string = created.body.runId;
    const name = (await stack.runs.getRun(runId))?.engine.workflowName ?? "";

    // Argo's executor stored the output (tar+gzip, as Argo archives by default) and the archived log.
    const prefix = `artifacts/skiff/${name}/${name}`;
    await stack.specs.put(`${prefix}/table.tgz`, "0123456789");
    await stack.specs.put(`${prefix}/main.log`, "hi\n");
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
            templateName: "make",
            phase: "Succeeded",
            startedAt: at,
            finishedAt: at,
            outputs: {
              exitCode: "0",
              artifacts: [
                { name: "table", path: "/tmp/table.csv", s3: { key: `${prefix}/table.tgz` } },
                { name: "gone", path: "/tmp/gone", s3: { key: `${prefix}/gone.tgz` } },
                { name: "theirs", path: "/tmp/x", s3: { bucket: "their-bucket", key: "x.tgz" } },
                { name: "main-logs", s3: { key: `${prefix}/main.log` } },
              ],
            },
          },
        },
      };
    });

    const reader = new S3ArtifactReader({
      bucket: "skiff-api-test",
      client: s3ClientFor({ s3PathStyle: true }),
      mode: "bytes",
      urlTtlSeconds: 60,
    });
    const looked: string[] = [];
    const watcher = new Watcher({
      runs: stack.runs,
      outbox: stack.outbox,
      engine,
      bus: { publish: async () => undefined },
      artifacts: {
        sizeOf: (key) => {
          looked.push(key);
          return reader.sizeOf(key);
        },
      },
    });
    const event = { runId, namespace: "skiff", workflowName: name };
    expect((await watcher.handleStatusChange(event)).status).toBe("Succeeded");
    const [step] = await stack.runs.listSteps(runId);
    expect(step?.outputArtifacts).toEqual([
      { name: "table", key: `${prefix}/table.tgz`, path: "/tmp/table.csv", size: 10 },
      { name: "gone", key: `${prefix}/gone.tgz`, path: "/tmp/gone" },
      { name: "theirs", key: "x.tgz", bucket: "their-bucket", path: "/tmp/x" },
      { name: "main-logs", key: `${prefix}/main.log`, size: 3 },
    ]);
    expect(looked.sort()).toEqual([`${prefix}/gone.tgz`, `${prefix}/main.log`, `${prefix}/table.tgz`]);

    // The API shows them.
    const run = await stack.call("GET", `/runs/${runId}`);
    expect(run.body.steps[0].outputArtifacts[0]).toMatchObject({ name: "table", size: 10 });

    // A repeated event of the finished run looks nothing up again.
    looked.length = 0;
    await watcher.handleStatusChange(event);
    expect(looked).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABEL_RUN_ID } from "../../../../lib/engine/labels";
import { Watcher } from "../../../../lib/runs/watcher";
import { type ApiOnFakeArgo, startApiOnFakeArgo } from "./api-on-fake-argo";

/**
 * The namespace rule on the Argo engine (test/integration/api/namespaces.test.ts is the local engine's half): a
 * spec's metadata.namespace that the deployment allows is where the workflow is created in the cluster, not
 * overwritten by the engine's own namespace, and the run is recorded and watched there; one the deployment does not
 * allow is refused before anything reaches the cluster.
 */
const TEAM = `import { container, workflow } from "skiff";
export default workflow({
  generateName: "team-",
  namespace: "team-a",
  entrypoint: container({ name: "main", image: "alpine:3.20", command: ["echo", "hi"] }),
});
`;

let fake: ApiOnFakeArgo;

beforeAll(async () => {
  fake = await startApiOnFakeArgo();
  await fake.stack.push("team", TEAM);
});
afterAll(() => fake?.stop());

describe("metadata.namespace on the Argo engine", () => {
  it("creates the workflow in an allowed namespace, and the watcher records it from there", async () => {
    const { stack, server, engine } = fake;
    stack.deps.config.engine = { kind: "argo", namespace: "skiff", namespaces: ["team-a"] };
    const created = await stack.call("POST", "/pipelines/team/runs", { body: {} });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const runId: string = created.body.runId;
    const run = await stack.runs.getRun(runId);
    expect(run?.engine.namespace).toBe("team-a");
    const name = run?.engine.workflowName ?? "";
    expect(server.workflow("team-a", name)?.metadata.labels?.[LABEL_RUN_ID]).toBe(runId);
    expect(server.workflow("skiff", name)).toBeUndefined();

    // Argo's controller finishes it in team-a; the watcher reads it there.
    const at = new Date().toISOString();
    server.update("team-a", name, (wf) => {
      wf.metadata.labels = { ...wf.metadata.labels, "workflows.argoproj.io/completed": "true" };
      wf.status = { phase: "Succeeded", startedAt: at, finishedAt: at, nodes: {} };
    });
    const watcher = new Watcher({
      runs: stack.runs,
      outbox: stack.outbox,
      engine,
      bus: { publish: async () => undefined },
    });
    const outcome = await watcher.handleStatusChange({ runId, namespace: "team-a", workflowName: name });
    expect(outcome.status).toBe("Succeeded");
    expect((await stack.call("GET", `/runs/${runId}`)).body).toMatchObject({ status: "Succeeded" });
  });

  it("refuses a namespace the deployment does not allow with 422, creating nothing in the cluster", async () => {
    const { stack, server } = fake;
    stack.deps.config.engine = { kind: "argo", namespace: "skiff" };
    const before = server.allWorkflows().length;
    const refused = await stack.call("POST", "/pipelines/team/runs", { body: {} });
    expect(refused.status).toBe(422);
    expect(refused.body.details).toEqual([
      expect.objectContaining({ field: "metadata.namespace", code: "namespace.not-allowed" }),
    ]);
    expect(server.allWorkflows()).toHaveLength(before);
  });
});

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Workflow } from "../../../../lib/argo";
import { createArgoEngine } from "../../../../lib/engine/argo";
import { LABEL_RUN_ID } from "../../../../lib/engine/labels";
import type { Engine, WorkflowRef } from "../../../../lib/ports/engine";
import { WorkflowConflictError } from "../../../../lib/ports/engine-errors";
import { FAILING, HELLO, SLOW } from "../../../contract/engine.contract";
import { ScriptedArgoController } from "../../../support/fake-k8s/scripted-controller";
import { FakeKubeApiServer } from "../../../support/fake-k8s/server";

let server: FakeKubeApiServer;
let engine: Engine;

beforeAll(async () => {
  server = new FakeKubeApiServer({ controller: new ScriptedArgoController() });
  const url = await server.start();
  engine = createArgoEngine({
    cluster: { mode: "server", server: url, skipTLSVerify: true, token: { token: async () => "kube-token" } },
    namespace: "skiff",
    argoServerUrl: url,
    argoServerToken: "argo-token",
  });
});
afterAll(() => server.stop());

const refOf = (wf: Workflow): WorkflowRef => ({ namespace: "skiff", name: wf.metadata.name! });
async function until(ref: WorkflowRef, predicate: (wf: Workflow) => boolean): Promise<Workflow> {
  for (;;) {
    const wf = await engine.get(ref);
    if (wf && predicate(wf)) return wf;
    await new Promise((r) => setTimeout(r, 30));
  }
}
const completed = (wf: Workflow) => wf.metadata.labels?.["workflows.argoproj.io/completed"] === "true";
const actions = () =>
  server.requests.filter((r) => r.path.startsWith("/api/v1/workflows/")).map((r) => `${r.method} ${r.path}`);

describe("control actions through Argo Server (ARGO_SERVER_URL)", () => {
  it("stops through PUT /api/v1/workflows/{ns}/{name}/stop with the Argo token", async () => {
    const wf = await engine.submit(SLOW, { runId: `run-${randomUUID()}` });
    await until(refOf(wf), (w) => w.status?.phase === "Running");
    await engine.stop(refOf(wf));
    expect(actions()).toContain(`PUT /api/v1/workflows/skiff/${wf.metadata.name}/stop`);
    const stopRequest = server.requests.find((r) => r.path.endsWith(`${wf.metadata.name}/stop`));
    expect(stopRequest?.authorization).toBe("Bearer argo-token");
    expect(stopRequest?.contentType).toBe("application/json");
    const done = await until(refOf(wf), completed);
    expect(done.status?.message).toBe("Stopped with strategy 'Stop'");
    await expect(engine.stop(refOf(wf))).rejects.toBeInstanceOf(WorkflowConflictError);
  });

  it("retries in place and resubmits as a new run through Argo Server", async () => {
    const failed = await engine.submit(FAILING, { runId: `run-${randomUUID()}` });
    await until(refOf(failed), completed);
    const retried = await engine.retry(refOf(failed));
    expect(retried.metadata.uid).toBe(failed.metadata.uid);
    expect(actions()).toContain(`PUT /api/v1/workflows/skiff/${failed.metadata.name}/retry`);
    await until(refOf(failed), completed);

    const ok = await engine.submit(HELLO, { runId: `run-${randomUUID()}` });
    await until(refOf(ok), completed);
    const runId = `run-${randomUUID()}`;
    const next = await engine.resubmit(refOf(ok), { runId });
    expect(actions()).toContain(`PUT /api/v1/workflows/skiff/${ok.metadata.name}/resubmit`);
    expect(next.metadata.labels?.[LABEL_RUN_ID]).toBe(runId);
    expect(next.metadata.labels?.["workflows.argoproj.io/resubmitted-from-workflow"]).toBe(ok.metadata.name);
    // A repeated resubmit for the same new run id returns the same workflow instead of a second one.
    const again = await engine.resubmit(refOf(ok), { runId });
    expect(again.metadata.uid).toBe(next.metadata.uid);
    expect((await until(refOf(next), completed)).status?.phase).toBe("Succeeded");
  });
});

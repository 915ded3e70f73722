import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Workflow } from "../../../../lib/argo";
import { LABEL_CONTROLLER_INSTANCE_ID } from "../../../../lib/argo/labels";
import { COMPLETED_SELECTOR, createArgoEngine, unstartedVerdict } from "../../../../lib/engine/argo";
import { LABEL_RUN_ID } from "../../../../lib/engine/labels";
import type { Engine } from "../../../../lib/ports/engine";
import { FAILING, HELLO } from "../../../contract/engine.contract";
import { ScriptedArgoController } from "../../../support/fake-k8s/scripted-controller";
import { FakeKubeApiServer } from "../../../support/fake-k8s/server";

let server: FakeKubeApiServer;
let url: string;
const engineFor = (instanceId?: string): Engine =>
  createArgoEngine({
    cluster: { mode: "server", server: url, skipTLSVerify: true, token: { token: async () => "t" } },
    namespace: "skiff",
    instanceId,
  });

beforeAll(async () => {
  // The controller has no instance id, like a default Argo install.
  server = new FakeKubeApiServer({ controller: new ScriptedArgoController() });
  url = await server.start();
});
afterAll(() => server.stop());

async function settle(engine: Engine, wf: Workflow): Promise<Workflow> {
  for (;;) {
    const current = await engine.get({ namespace: "skiff", name: wf.metadata.name! });
    if (current?.metadata.labels?.["workflows.argoproj.io/completed"] === "true") return current;
    await new Promise((r) => setTimeout(r, 30));
  }
}

describe("sweep support (lost exit events)", () => {
  it("finds every run that completed, with no event ever delivered (the watcher sweep's listing)", async () => {
    const engine = engineFor();
    const runIds = [0, 1, 2].map(() => `run-${randomUUID()}`);
    const made = await Promise.all(
      runIds.map((runId, i) => engine.submit(i === 2 ? FAILING : HELLO, { runId })),
    );
    await Promise.all(made.map((wf) => settle(engine, wf)));

    const recovered = (await engine.list({ labelSelector: COMPLETED_SELECTOR })).items;
    const recoveredIds = recovered.map((wf) => wf.metadata.labels?.[LABEL_RUN_ID]);
    expect(recoveredIds).toEqual(expect.arrayContaining(runIds));
    const phases = Object.fromEntries(
      recovered.map((wf) => [wf.metadata.labels?.[LABEL_RUN_ID], wf.status?.phase]),
    );
    expect([phases[runIds[0]], phases[runIds[1]], phases[runIds[2]]]).toEqual([
      "Succeeded",
      "Succeeded",
      "Failed",
    ]);
  });

  it("turns a workflow that never got a status (controller instance id mismatch) into an Error naming the causes", async () => {
    const engine = engineFor("skiff-ci");
    const runId = `run-${randomUUID()}`;
    const created = await engine.submit(HELLO, { runId });
    expect(created.metadata.labels?.[LABEL_CONTROLLER_INSTANCE_ID]).toBe("skiff-ci");
    await new Promise((r) => setTimeout(r, 300));
    const stuck = await engine.get({ namespace: "skiff", name: created.metadata.name! });
    expect(stuck?.status?.phase ?? "").toBe("");
    const completed = (await engine.list({ labelSelector: COMPLETED_SELECTOR })).items;
    expect(completed.map((wf) => wf.metadata.labels?.[LABEL_RUN_ID])).not.toContain(runId);

    const created_at = Date.parse(String(stuck!.metadata.creationTimestamp));
    expect(unstartedVerdict(stuck!, new Date(created_at + 60_000), 300_000)).toBeUndefined();
    const verdict = unstartedVerdict(stuck!, new Date(created_at + 600_000), 300_000);
    expect(verdict?.status).toBe("Error");
    expect(verdict?.message).toContain('instanceID is not "skiff-ci"');
    expect(verdict?.message).toMatch(/CRD/);
    expect(verdict?.message).toMatch(/RBAC/);
  });
});

import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Workflow } from "../../../../lib/argo";
import { createArgoEngine } from "../../../../lib/engine/argo";
import { type ArgoEngine, nameForRun } from "../../../../lib/engine/argo/engine";
import { LABEL_RUN_ID } from "../../../../lib/engine/labels";
import {
  EngineAuthError,
  EngineUnavailableError,
  WorkflowRejectedError,
} from "../../../../lib/ports/engine-errors";
import { HELLO } from "../../../contract/engine.contract";
import { ScriptedArgoController } from "../../../support/fake-k8s/scripted-controller";
import { FakeKubeApiServer, type FakeKubeApiServerOptions } from "../../../support/fake-k8s/server";

const FAST_RETRY = { attempts: 4, baseDelayMs: 10, maxDelayMs: 50 };
let server: FakeKubeApiServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function setup(
  options: FakeKubeApiServerOptions = {},
  token: () => Promise<string> = async () => "t",
  extra: { requestTimeoutMs?: number; invalidate?: () => void } = {},
): Promise<ArgoEngine> {
  server = new FakeKubeApiServer({ controller: new ScriptedArgoController(), ...options });
  const url = await server.start();
  return createArgoEngine(
    {
      cluster: {
        mode: "server",
        server: url,
        skipTLSVerify: true,
        token: { token, invalidate: extra.invalidate },
      },
      namespace: "skiff",
      requestTimeoutMs: extra.requestTimeoutMs ?? 2_000,
    },
    { retry: FAST_RETRY },
  );
}

const runsOf = (runId: string) =>
  server!.allWorkflows().filter((wf) => wf.metadata.labels?.[LABEL_RUN_ID] === runId);

describe("create is never duplicated", () => {
  it("two creates of one run racing each other make one workflow (the name comes from the run id)", async () => {
    const engine = await setup();
    const runId = `run-${randomUUID()}`;
    const [a, b] = await Promise.all([engine.submit(HELLO, { runId }), engine.submit(HELLO, { runId })]);
    expect(runsOf(runId)).toHaveLength(1);
    expect(a.metadata.uid).toBe(b.metadata.uid);
    expect(a.metadata.name).toBe(nameForRun(HELLO.metadata.generateName ?? "", runId));
  });

  it("falls back to a server-generated name when another run holds the derived name", async () => {
    const engine = await setup();
    const runId = `run-${randomUUID()}`;
    const taken = nameForRun(HELLO.metadata.generateName ?? "", runId);
    // Another run's workflow already has that name: what a hash collision would look like.
    const squat = await fetch(`${server!.url}/apis/argoproj.io/v1alpha1/namespaces/skiff/workflows`, {
      method: "POST",
      headers: { authorization: "Bearer t", "content-type": "application/json" },
      body: JSON.stringify({
        ...HELLO,
        metadata: { name: taken, labels: { [LABEL_RUN_ID]: "someone-else" } },
      }),
    });
    expect(squat.status).toBe(201);
    const created = await engine.submit(HELLO, { runId });
    expect(created.metadata.name).not.toBe(taken);
    expect(created.metadata.name).toMatch(new RegExp(`^${HELLO.metadata.generateName}[a-z0-9]+$`));
    expect(runsOf(runId)).toHaveLength(1);
    expect(runsOf("someone-else")).toHaveLength(1);
  });

  it("retries 429 and 500 answers and creates exactly one workflow", async () => {
    const engine = await setup();
    server!.faults.push({ method: "POST", path: "/workflows", status: 429, retryAfterSeconds: 0 });
    server!.faults.push({ method: "POST", path: "/workflows", status: 500 });
    const runId = `run-${randomUUID()}`;
    const created = await engine.submit(HELLO, { runId });
    expect(runsOf(runId).map((wf) => wf.metadata.uid)).toEqual([created.metadata.uid]);
    expect(server!.requests.filter((r) => r.method === "POST").length).toBe(3);
  });

  it("looks the run up by label after a create whose answer was lost (500 after the write)", async () => {
    const engine = await setup();
    server!.faults.push({ method: "POST", path: "/workflows", status: 500, afterHandling: true });
    const runId = `run-${randomUUID()}`;
    const created = await engine.submit(HELLO, { runId });
    expect(runsOf(runId)).toHaveLength(1);
    expect(created.metadata.uid).toBe(runsOf(runId)[0].metadata.uid);
    const lookups = server!.requests.filter((r) => r.method === "GET" && r.path.includes("labelSelector="));
    expect(decodeURIComponent(lookups[0].path)).toContain(`${LABEL_RUN_ID}=${runId}`);
  });

  it("looks the run up by label after a create that timed out, and creates nothing more", async () => {
    const engine = await setup({}, undefined, { requestTimeoutMs: 300 });
    server!.faults.push({ method: "POST", path: "/workflows", hangMs: 1_500, afterHandling: true });
    const runId = `run-${randomUUID()}`;
    const created = await engine.submit(HELLO, { runId });
    expect(runsOf(runId)).toHaveLength(1);
    expect(created.metadata.name).toBe(runsOf(runId)[0].metadata.name);
    expect(server!.requests.filter((r) => r.method === "POST").length).toBe(1);
  });

  it("gives up with EngineUnavailableError when the server keeps failing", async () => {
    const engine = await setup();
    server!.faults.push({ method: "POST", path: "/workflows", status: 503, times: 10 });
    await expect(engine.submit(HELLO, { runId: "r-down" })).rejects.toBeInstanceOf(EngineUnavailableError);
    expect(server!.allWorkflows()).toHaveLength(0);
  });
});

describe("typed errors", () => {
  it("renews an expired token once (401), then fails with EngineAuthError if still refused", async () => {
    let issued = 0;
    let invalidated = 0;
    const engine = await setup(
      { authorize: (t) => t !== "expired" && t !== undefined && !t.startsWith("revoked") },
      async () => (issued++ === 0 ? "expired" : "fresh"),
      { invalidate: () => invalidated++ },
    );
    const created = await engine.submit(HELLO, { runId: `run-${randomUUID()}` });
    expect(created.metadata.uid).toBeTruthy();
    expect(invalidated).toBe(1);
    const auth = server!.requests.map((r) => r.authorization);
    expect(auth.slice(0, 2)).toEqual(["Bearer expired", "Bearer fresh"]);

    const refused = await setup({ authorize: () => false });
    await expect(refused.list()).rejects.toBeInstanceOf(EngineAuthError);
  });

  it("maps a schema-invalid manifest (422) to WorkflowRejectedError naming the field", async () => {
    const engine = await setup();
    const bad = structuredClone(HELLO) as Workflow;
    (bad.spec as unknown as Record<string, unknown>).parallelism = "lots";
    const error = await engine.submit(bad, { runId: "r-bad" }).catch((e) => e);
    expect(error).toBeInstanceOf(WorkflowRejectedError);
    expect(String(error.message)).toMatch(/422.*\/spec\/parallelism/);
  });
});

describe("watch", () => {
  it("relists after 410 Gone and keeps delivering changes", async () => {
    const engine = await setup();
    const controller = new AbortController();
    const seen: string[] = [];
    const runId = `run-${randomUUID()}`;
    const done = (async () => {
      for await (const event of engine.watch({
        labelSelector: `${LABEL_RUN_ID}=${runId}`,
        signal: controller.signal,
      })) {
        seen.push(`${event.type}:${event.object.status?.phase ?? ""}`);
        if (event.object.status?.phase === "Succeeded") break;
      }
    })();
    while (server!.openWatches === 0) await new Promise((r) => setTimeout(r, 20));
    // Expire the history and cut the stream: the engine must relist, not resume from its old version.
    server!.compact();
    server!.closeWatches();
    await engine.submit(HELLO, { runId });
    await done;
    controller.abort();
    expect(seen.at(-1)).toBe("MODIFIED:Succeeded");
    const watches = server!.requests.filter((r) => r.path.includes("watch=true"));
    expect(watches.length).toBeGreaterThanOrEqual(2);
    const lists = server!.requests.filter(
      (r) => r.method === "GET" && !r.path.includes("watch=true") && r.path.includes("labelSelector"),
    );
    expect(lists.length).toBeGreaterThanOrEqual(2);
  });
});

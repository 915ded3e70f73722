import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABEL_RUN_ID } from "../../../lib/engine/labels";
import { Watcher } from "../../../lib/runs/watcher";
import { type ApiStack, startApiStack } from "./harness";

let stack: ApiStack;

// Fails until the marker parameter says otherwise: the retry passes a new value.
const FLAKY = `import { container, workflow } from "skiff";
export default workflow({
  generateName: "flaky-",
  arguments: { code: "3" },
  entrypoint: container({ name: "main", image: "alpine:3.20", command: ["sh", "-c", "exit {{workflow.parameters.code}}"] }),
});
`;

const SLOW = `import { container, workflow } from "skiff";
export default workflow({
  generateName: "slow-",
  entrypoint: container({ name: "main", image: "alpine:3.20", command: ["sleep", "30"] }),
});
`;

beforeAll(async () => {
  stack = await startApiStack();
  await stack.push("slow", SLOW);
  await stack.push("flaky", FLAKY);
});
afterAll(async () => {
  await stack?.stop();
});

async function workflowOf(runId: string) {
  const [workflow] = (await stack.engine.list({ labelSelector: `${LABEL_RUN_ID}=${runId}` })).items;
  return { namespace: workflow.metadata.namespace ?? "skiff", name: workflow.metadata.name ?? "" };
}

async function finalPhase(ref: { namespace: string; name: string }): Promise<string | undefined> {
  for (let i = 0; i < 400; i++) {
    const phase = (await stack.engine.get(ref))?.status?.phase;
    if (phase === "Succeeded" || phase === "Failed" || phase === "Error") return phase;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

describe("run actions", () => {
  it("terminates a running run through the engine (202), and a retry of a running run is a 409", async () => {
    const created = await stack.call("POST", "/pipelines/slow/runs", { body: {} });
    expect(created.status).toBe(201);
    const runId = created.body.runId as string;
    const ref = await workflowOf(runId);

    const retry = await stack.call("POST", `/runs/${runId}/retry`);
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({ error: "conflict", details: [] });

    const terminated = await stack.call("POST", `/runs/${runId}/terminate`);
    expect(terminated.status).toBe(202);
    expect(terminated.body).toMatchObject({ runId });
    expect((await stack.engine.get(ref))?.spec.shutdown).toBe("Terminate");
    expect(await finalPhase(ref)).toBe("Failed");
  });

  it("shows an active run's steps live from the engine, before any step is recorded", async () => {
    const created = await stack.call("POST", "/pipelines/slow/runs", { body: {} });
    const runId = created.body.runId as string;
    const ref = await workflowOf(runId);
    let live: Array<{ stepId: string; phase: string }> = [];
    for (let i = 0; i < 200 && !live.some((s) => s.phase === "Running"); i++) {
      live = (await stack.call("GET", `/runs/${runId}`)).body.steps;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(live).toEqual([expect.objectContaining({ stepId: ref.name, phase: "Running", runId })]);
    expect(await stack.runs.listSteps(runId)).toEqual([]);
    await stack.call("POST", `/runs/${runId}/terminate`);
    expect(await finalPhase(ref)).toBe("Failed");
  });

  it("stops a running run through the engine", async () => {
    const created = await stack.call("POST", "/pipelines/slow/runs", { body: {} });
    const ref = await workflowOf(created.body.runId);
    const stopped = await stack.call("POST", `/runs/${created.body.runId}/stop`);
    expect(stopped.status).toBe(202);
    expect((await stack.engine.get(ref))?.spec.shutdown).toBe("Stop");
    expect(await finalPhase(ref)).toBe("Failed");
  });

  it("retry reopens a failed run's record, and the retried attempt is recorded to its end", async () => {
    const published: string[] = [];
    const watcher = new Watcher({
      runs: stack.runs,
      outbox: stack.outbox,
      engine: stack.engine,
      bus: { publish: async (events) => void published.push(...events.map((e) => e.detailType)) },
    });
    const created = await stack.call("POST", "/pipelines/flaky/runs", { body: {} });
    expect(created.body).toMatchObject({ status: expect.any(String) });
    const runId = created.body.runId as string;
    const ref = await workflowOf(runId);
    expect(await finalPhase(ref)).toBe("Failed");
    const detail = { runId, namespace: ref.namespace, workflowName: ref.name };
    await watcher.handleStatusChange(detail);
    expect((await stack.call("GET", `/runs/${runId}`)).body.status).toBe("Failed");

    const retried = await stack.call("POST", `/runs/${runId}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ runId, status: "Running" });
    // The watcher sees the retried attempt through to its end (earlier snapshots are refused).
    let status = "Running";
    for (let i = 0; i < 400 && status === "Running"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      await watcher.handleStatusChange(detail);
      status = (await stack.call("GET", `/runs/${runId}`)).body.status;
    }
    expect(status).toBe("Failed");
    expect(published.filter((t) => t === "Pipeline Run Completed")).toHaveLength(2);
  });
});

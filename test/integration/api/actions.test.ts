import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeSharedSandboxes } from "../../../lib/build";
import { LABEL_RUN_ID } from "../../../lib/engine/labels";
import { type ApiStack, startApiStack } from "./harness";

let stack: ApiStack;

const SLOW = `import { container, workflow } from "skiff";
export default workflow({
  generateName: "slow-",
  entrypoint: container({ name: "main", image: "alpine:3.20", command: ["sleep", "30"] }),
});
`;

beforeAll(async () => {
  stack = await startApiStack();
  await stack.push("slow", SLOW);
});
afterAll(async () => {
  closeSharedSandboxes();
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

  it("stops a running run through the engine", async () => {
    const created = await stack.call("POST", "/pipelines/slow/runs", { body: {} });
    const ref = await workflowOf(created.body.runId);
    const stopped = await stack.call("POST", `/runs/${created.body.runId}/stop`);
    expect(stopped.status).toBe(202);
    expect((await stack.engine.get(ref))?.spec.shutdown).toBe("Stop");
    expect(await finalPhase(ref)).toBe("Failed");
  });
});

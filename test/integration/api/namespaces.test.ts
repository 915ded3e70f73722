// The namespace rule at submit: a spec's metadata.namespace is honoured when the deployment allows it
// (SKIFF_NAMESPACES), the run recorded there; otherwise 422 and nothing is recorded or created. The build
// applies the same rule (test/integration/build-function/build-parameters-and-namespaces.test.ts); this is the
// check again for a spec built under an older allow-list.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiStack, startApiStack } from "./harness";

let stack: ApiStack;

const TEAM = `import { container, workflow } from "skiff";
export default workflow({
  generateName: "team-",
  namespace: "team-a",
  entrypoint: container({ name: "main", image: "alpine:3.20", command: ["echo", "hi"] }),
});
`;

beforeAll(async () => {
  stack = await startApiStack();
  await stack.push("team", TEAM);
});
afterAll(async () => {
  await stack?.stop();
});

describe("metadata.namespace at submit", () => {
  it("runs the workflow in an allowed namespace and records the run there", async () => {
    stack.deps.config.engine = { kind: "local", namespace: "skiff", namespaces: ["team-a"] };
    const created = await stack.call("POST", "/pipelines/team/runs", { body: {} });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const run = await stack.runs.getRun(created.body.runId);
    expect(run?.engine.namespace).toBe("team-a");
    const workflow = await stack.engine.get({ namespace: "team-a", name: run?.engine.workflowName ?? "" });
    expect(workflow?.metadata.namespace).toBe("team-a");
  });

  it("refuses a namespace the deployment no longer allows with 422, leaving nothing behind", async () => {
    stack.deps.config.engine = { kind: "local", namespace: "skiff" };
    const before = (await stack.engine.list()).items.length;
    const runsBefore = (await stack.runs.queryRuns({ pipeline: "team" })).items.length;
    const refused = await stack.call("POST", "/pipelines/team/runs", { body: {} });
    expect(refused.status).toBe(422);
    expect(refused.body.details).toEqual([
      expect.objectContaining({ field: "metadata.namespace", code: "namespace.not-allowed" }),
    ]);
    expect((await stack.runs.queryRuns({ pipeline: "team" })).items).toHaveLength(runsBefore);
    expect((await stack.engine.list()).items.length).toBe(before);
  });
});

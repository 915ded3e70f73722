// The resume route (argo resume / argo node set -p) and the step query route, against DynamoDB Local, s3rver
// and the local engine: what each accepts, and a 4xx naming the field for what it does not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Workflow } from "../../../lib/argo";
import { type ApiStack, startApiStack } from "./harness";

let stack: ApiStack;

const GATE = `import { param, shell, steps, suspend, workflow } from "skiff";
const approval = suspend({ name: "approval", outputs: { approve: param({ valueFrom: { supplied: {} } }) } });
const release = shell({ name: "release", image: "alpine", inputs: { approve: param() }, source: "echo {{inputs.parameters.approve}}" });
export default workflow({
  generateName: "gate-",
  entrypoint: steps("main", (s) => {
    const gate = s.step("approval", approval);
    s.step("release", release, { args: { approve: gate.outputs.approve } });
  }),
});
`;

beforeAll(async () => {
  stack = await startApiStack();
  await stack.push("gate", GATE);
});
afterAll(async () => {
  await stack?.stop();
});

const fields = (body: { details: Array<{ field: string }> }) => body.details.map((d) => d.field);

/** A new run of the gate pipeline, once its suspend step waits. */
async function suspendedRun(): Promise<{ runId: string; workflow: () => Promise<Workflow> }> {
  const created = await stack.call("POST", "/pipelines/gate/runs", { body: {} });
  expect(created.status).toBe(201);
  const runId = created.body.runId as string;
  const workflow = async () => {
    const found = await stack.engine.list({ labelSelector: `skiff.dev/run-id=${runId}` });
    return found.items[0] as Workflow;
  };
  for (let i = 0; i < 300; i++) {
    const wf = await workflow();
    if (Object.values(wf?.status?.nodes ?? {}).some((n) => n.type === "Suspend" && n.phase === "Running"))
      break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { runId, workflow };
}

describe("POST /runs/{runId}/resume", () => {
  it("refuses what it cannot do with a 4xx naming the field, changing nothing", {
    timeout: 60_000,
  }, async () => {
    const { runId, workflow } = await suspendedRun();
    const resume = (body: unknown) => stack.call("POST", `/runs/${runId}/resume`, { body: body as object });

    const unknownField = await resume({ nodes: "approval" });
    expect(unknownField.status).toBe(400);
    expect(fields(unknownField.body)).toEqual(["nodes"]);

    const badName = await resume({ parameters: { "a b": "x" } });
    expect(badName.status).toBe(400);

    const notTaken = await resume({ parameters: { nope: "x" } });
    expect(notTaken.status).toBe(400);
    expect(fields(notTaken.body)).toEqual(["parameters.nope"]);

    const noSuchStep = await resume({ node: "release" });
    expect(noSuchStep.status).toBe(409);
    expect(noSuchStep.body.message).toBe(
      `run ${runId} has no suspended step "release" (suspended: approval)`,
    );

    const missing = await stack.call("POST", "/runs/no-such-run/resume", { body: {} });
    expect(missing.status).toBe(404);

    const approval = Object.values((await workflow()).status?.nodes ?? {}).find((n) => n.type === "Suspend");
    expect(approval?.phase).toBe("Running");
  });

  it("resumes the named step with its supplied output set, and then has nothing to resume", {
    timeout: 60_000,
  }, async () => {
    const { runId, workflow } = await suspendedRun();
    const resumed = await stack.call("POST", `/runs/${runId}/resume`, {
      body: { node: "approval", parameters: { approve: "YES" } },
    });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(202);
    expect(resumed.body).toMatchObject({ runId, resumed: [expect.any(String)] });
    const done = await stack.engine.wait({
      namespace: "skiff",
      name: (await workflow()).metadata.name ?? "",
    });
    expect(done.status?.phase).toBe("Succeeded");
    const release = Object.values(done.status?.nodes ?? {}).find((n) => n.displayName === "release");
    expect(release?.inputs?.parameters).toEqual([{ name: "approve", value: "YES" }]);

    const again = await stack.call("POST", `/runs/${runId}/resume`, { body: {} });
    expect(again.status).toBe(409);
  });
});

describe("GET /steps", () => {
  it("answers a page of recorded steps for a template", async () => {
    const res = await stack.call("GET", "/steps?template=release&status=Succeeded&limit=5");
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual(expect.any(Array));
  });

  it.each([
    ["no template", "/steps", ["query.template"]],
    ["a template that is no name", "/steps?template=%20x", ["query.template"]],
    ["a status that is no phase", "/steps?template=release&status=Done", ["query.status"]],
    ["an unknown query parameter", "/steps?template=release&run=x", ["query.run"]],
    ["a limit out of range", "/steps?template=release&limit=0", ["query.limit"]],
  ])("refuses %s with 400 naming the field", async (_case, path, expected) => {
    const res = await stack.call("GET", path);
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(expected);
  });
});

// The run endpoint's security checks against real parts (DynamoDB Local, s3rver, the local engine): who the
// caller is, and which service accounts a stored spec may run as, checked before any run record is written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceAccountPolicy } from "../../../lib/compiler/lint/service-accounts";
import { LABEL_RUN_ID } from "../../../lib/engine/labels";
import { type ApiStack, startApiStack, TEST_CALLER } from "./harness";

let stack: ApiStack;

const pipeline = (name: string, fields: string) => `import { container, workflow } from "skiff";
export default workflow({
  generateName: "${name}-",
  ${fields}
  entrypoint: container({ name: "main", image: "alpine:3.20", command: ["echo", "hi"] }),
});
`;

beforeAll(async () => {
  stack = await startApiStack();
  // Built with no service account rule: as specs stored under an older, wider allow-list were.
  await stack.push("trainer", pipeline("trainer", `serviceAccountName: "trainer",`));
  await stack.push("notifier", pipeline("notifier", `serviceAccountName: "skiff-notifier",`));
  await stack.push("plain", pipeline("plain", ""));
});
afterAll(async () => {
  await stack?.stop();
});

const runsOf = async (name: string) => (await stack.call("GET", `/runs?pipeline=${name}`)).body.items;
const workflowsOf = async (runId: string) =>
  (await stack.engine.list({ labelSelector: `${LABEL_RUN_ID}=${runId}` })).items;
/** Waits until the run's workflow has succeeded in the engine. */
async function finished(runId: string): Promise<void> {
  const [workflow] = await workflowsOf(runId);
  const ref = { namespace: workflow.metadata.namespace ?? "skiff", name: workflow.metadata.name ?? "" };
  for (let i = 0; i < 200 && (await stack.engine.get(ref))?.status?.phase !== "Succeeded"; i++)
    await new Promise((r) => setTimeout(r, 50));
}

describe("service accounts at submit", () => {
  it("refuses a stored spec naming an account the deployment does not allow (by default all but default), recording nothing", async () => {
    const res = await stack.call("POST", "/pipelines/trainer/runs", { body: {} });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: "unprocessable",
      message: "the pipeline's spec names a service account this deployment does not allow",
      details: [
        {
          field: "spec.serviceAccountName",
          code: "service-account.not-allowed",
          message:
            'service account "trainer" is not allowed: this deployment allows default (SKIFF_SERVICE_ACCOUNTS)',
        },
      ],
    });
    expect(await runsOf("trainer")).toEqual([]);
    expect((await stack.engine.list({})).items.filter((w) => w.metadata.generateName === "trainer-")).toEqual(
      [],
    );
  });

  it("runs it once the deployment allows the account, and never runs a spec as the notifier's", async () => {
    stack.deps.serviceAccounts = serviceAccountPolicy(
      { allowed: ["default", "trainer"], notifier: "skiff-notifier" },
      undefined,
    );
    try {
      const allowed = await stack.call("POST", "/pipelines/trainer/runs", { body: {} });
      expect(allowed.status).toBe(201);
      expect(await workflowsOf(allowed.body.runId)).toHaveLength(1);

      const notifier = await stack.call("POST", "/pipelines/notifier/runs", { body: {} });
      expect(notifier.status).toBe(422);
      expect(notifier.body.details).toEqual([
        expect.objectContaining({ field: "spec.serviceAccountName", code: "service-account.notifier" }),
      ]);
      expect(await runsOf("notifier")).toEqual([]);
    } finally {
      delete stack.deps.serviceAccounts;
    }
  });

  it("refuses to retry or resubmit a run whose account the deployment no longer allows", async () => {
    stack.deps.serviceAccounts = serviceAccountPolicy(
      { allowed: ["default", "trainer"], notifier: "skiff-notifier" },
      undefined,
    );
    const created = await stack.call("POST", "/pipelines/trainer/runs", { body: {} });
    expect(created.status).toBe(201);
    await finished(created.body.runId);
    delete stack.deps.serviceAccounts;
    const before = (await runsOf("trainer")).length;
    for (const action of ["resubmit", "retry"]) {
      const res = await stack.call("POST", `/runs/${created.body.runId}/${action}`);
      expect(res.status).toBe(422);
      expect(res.body.details).toEqual([
        expect.objectContaining({ field: "spec.serviceAccountName", code: "service-account.not-allowed" }),
      ]);
    }
    expect((await runsOf("trainer")).length).toBe(before);
    expect(await workflowsOf(created.body.runId)).toHaveLength(1);
  });
});

describe("the caller", () => {
  it("is recorded on the run and returned by the run API", async () => {
    const created = await stack.call("POST", "/pipelines/plain/runs", { body: {} });
    expect(created.status).toBe(201);
    expect(created.body.caller).toBe(TEST_CALLER);
    const run = await stack.call("GET", `/runs/${created.body.runId}`);
    expect(run.body.caller).toBe(TEST_CALLER);
    expect((await stack.runs.getRun(created.body.runId))?.caller).toBe(TEST_CALLER);
    const listed = await runsOf("plain");
    expect(listed.find((r: { runId: string }) => r.runId === created.body.runId)?.caller).toBe(TEST_CALLER);
  });

  it("of a resubmission is whoever resubmitted", async () => {
    const created = await stack.call("POST", "/pipelines/plain/runs", { body: {} });
    await finished(created.body.runId);
    const other = "arn:aws:sts::000000000000:assumed-role/operator/session";
    const resubmitted = await stack.call("POST", `/runs/${created.body.runId}/resubmit`, { caller: other });
    expect(resubmitted.status).toBe(201);
    expect(resubmitted.body.caller).toBe(other);
    expect((await stack.runs.getRun(resubmitted.body.runId))?.caller).toBe(other);
  });

  it("cannot replay another caller's Idempotency-Key", async () => {
    const headers = { "idempotency-key": "secure-13-replay" };
    const first = await stack.call("POST", "/pipelines/plain/runs", { body: {}, headers });
    expect(first.status).toBe(201);
    const replay = await stack.call("POST", "/pipelines/plain/runs", { body: {}, headers });
    expect(replay.body.runId).toBe(first.body.runId);
    const other = await stack.call("POST", "/pipelines/plain/runs", {
      body: {},
      headers,
      caller: "arn:aws:iam::000000000000:user/mallory",
    });
    expect(other.status).toBe(409);
    expect(other.body.details).toEqual([
      expect.objectContaining({
        field: "header.Idempotency-Key",
        message: "the key belongs to another caller's run",
      }),
    ]);
  });

  it("is required: a request without an IAM principal is refused with 401 and records nothing", async () => {
    const before = (await runsOf("plain")).length;
    const res = await stack.call("POST", "/pipelines/plain/runs", { body: {}, caller: null });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: "unauthenticated",
      message: "the request carries no IAM principal (SigV4-sign it)",
      details: [],
    });
    expect((await stack.call("GET", "/pipelines", { caller: null })).status).toBe(401);
    expect((await runsOf("plain")).length).toBe(before);
  });
});

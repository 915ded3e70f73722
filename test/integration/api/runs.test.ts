import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABEL_RUN_ID } from "../../../lib/engine/labels";
import { type ApiStack, startApiStack } from "./harness";

let stack: ApiStack;

const GREET = `import { container, param, workflow } from "skiff";
export default workflow({
  generateName: "greet-",
  arguments: {
    who: param(),
    mode: param({ default: "fast", enum: ["fast", "slow"] }),
  },
  entrypoint: container({ name: "main", image: "alpine:3.20", command: ["echo", "hello {{workflow.parameters.who}}"] }),
});
`;

beforeAll(async () => {
  stack = await startApiStack({ profiles: { gpu: { nodeSelector: { gpu: "true" } } } });
  await stack.push("greet", GREET);
  await stack.push("broken", `export default 42;\n`);
});
afterAll(async () => {
  await stack?.stop();
});

const post = (path: string, body?: string | object, headers?: Record<string, string>) =>
  stack.call("POST", path, { body, headers });

describe("POST /pipelines/{name}/runs", () => {
  it("creates a run, submits it to the engine with the run id, and answers 201 {runId, status, links}", async () => {
    const res = await post("/pipelines/greet/runs", { parameters: { who: "ada" } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      runId: expect.stringMatching(/^[0-9a-z]{26}$/),
      status: expect.stringMatching(/^(Pending|Running)$/),
      pipeline: "greet",
      version: "v1",
      links: { self: `/runs/${res.body.runId}` },
    });
    const run = await stack.call("GET", `/runs/${res.body.runId}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      runId: res.body.runId,
      parameters: { who: "ada", mode: "fast" },
      engine: { kind: "local", namespace: "skiff" },
      steps: expect.any(Array),
    });
    const workflows = await stack.engine.list({ labelSelector: `${LABEL_RUN_ID}=${res.body.runId}` });
    expect(workflows.items).toHaveLength(1);
    expect(workflows.items[0].spec.arguments?.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "who", value: "ada" })]),
    );
  });

  it("lists every parameter problem (unknown, missing, out of enum) in one 400", async () => {
    const res = await post("/pipelines/greet/runs", { parameters: { mode: "medium", colour: "red" } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid-request");
    expect(res.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "parameters.colour", code: "unknown" }),
        expect.objectContaining({ field: "parameters.who", code: "missing" }),
        expect.objectContaining({ field: "parameters.mode", code: "not-in-enum" }),
      ]),
    );
    expect(res.body.details).toHaveLength(3);
  });

  it.each([
    ["an invalid pipeline name", "/pipelines/Bad_Name/runs", {}, {}, 400, "path.name"],
    ["malformed JSON", "/pipelines/greet/runs", "{not json", {}, 400, "body"],
    ["an unknown field", "/pipelines/greet/runs", { parameters: { who: "x" }, colour: 1 }, {}, 400, ""],
    ["a non-object parameters", "/pipelines/greet/runs", { parameters: ["who"] }, {}, 400, "parameters"],
    [
      "a bad version",
      "/pipelines/greet/runs",
      { parameters: { who: "x" }, version: "7" },
      {},
      400,
      "version",
    ],
    [
      "a bad Idempotency-Key",
      "/pipelines/greet/runs",
      { parameters: { who: "x" } },
      { "idempotency-key": "a b" },
      400,
      "header.Idempotency-Key",
    ],
    [
      "a non-JSON content type",
      "/pipelines/greet/runs",
      "who=x",
      { "content-type": "text/plain" },
      400,
      "header.content-type",
    ],
    [
      "an unknown profile",
      "/pipelines/greet/runs",
      { parameters: { who: "x" }, profile: "tpu" },
      {},
      400,
      "profile",
    ],
    [
      "a privileged override",
      "/pipelines/greet/runs",
      { parameters: { who: "x" }, overrides: { privileged: true } },
      {},
      400,
      "overrides.privileged",
    ],
  ])("answers 400 naming the field for %s", async (_case, path, body, headers, status, field) => {
    const res = await post(path, body, headers);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: "invalid-request", message: expect.any(String) });
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining([field === "" ? expect.stringMatching(/^$|colour/) : field]),
    );
  });

  it("answers 413 for a body over the limit", async () => {
    const res = await post("/pipelines/greet/runs", { parameters: { who: "x".repeat(5000) } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: "payload-too-large", details: [] });
  });

  it("answers 404 for an unknown pipeline or version, 409 for a pipeline without a good build", async () => {
    expect((await post("/pipelines/nope/runs", {})).status).toBe(404);
    const missingVersion = await post("/pipelines/greet/runs", { parameters: { who: "x" }, version: "v9" });
    expect(missingVersion).toMatchObject({ status: 404, body: { error: "not-found" } });
    const broken = await post("/pipelines/broken/runs", {});
    expect(broken.status).toBe(409);
    expect(broken.body.details.length).toBeGreaterThan(0);
  });

  it("applies a configured profile", async () => {
    const res = await post("/pipelines/greet/runs", { parameters: { who: "gpu" }, profile: "gpu" });
    expect(res.status).toBe(201);
    const workflows = await stack.engine.list({ labelSelector: `${LABEL_RUN_ID}=${res.body.runId}` });
    expect(workflows.items[0].spec.nodeSelector).toEqual({ gpu: "true" });
  });

  it("turns 100 concurrent identical requests with one Idempotency-Key into ONE run and ONE engine workflow", async () => {
    const headers = { "idempotency-key": "concurrent-key-1" };
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        post("/pipelines/greet/runs", { parameters: { who: "many" } }, headers),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(201));
    const runIds = new Set(responses.map((r) => r.body.runId));
    expect(runIds.size).toBe(1);
    const [runId] = runIds;
    expect(responses.filter((r) => r.headers["idempotent-replayed"] === "true")).toHaveLength(99);
    const workflows = await stack.engine.list({ labelSelector: `${LABEL_RUN_ID}=${runId}` });
    expect(workflows.items).toHaveLength(1);
    const listed = await stack.call("GET", "/runs?param.who=many");
    expect(listed.body.items.map((r: { runId: string }) => r.runId)).toEqual([runId]);
  });

  it("refuses an Idempotency-Key reused for a different request with 409", async () => {
    const headers = { "idempotency-key": "reused-key" };
    expect((await post("/pipelines/greet/runs", { parameters: { who: "a" } }, headers)).status).toBe(201);
    const again = await post("/pipelines/greet/runs", { parameters: { who: "b" } }, headers);
    expect(again.status).toBe(409);
    expect(again.body.details[0]).toMatchObject({
      field: "header.Idempotency-Key",
      code: "idempotency-mismatch",
    });
  });
});

describe("reading runs and pipelines", () => {
  it("lists runs by pipeline and status, validating the query", async () => {
    for (const who of ["l1", "l2", "l3"]) await post("/pipelines/greet/runs", { parameters: { who } });
    const all = await stack.call("GET", "/runs?pipeline=greet&limit=2");
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(2);
    expect(all.body.cursor).toEqual(expect.any(String));
    const next = await stack.call(
      "GET",
      `/runs?pipeline=greet&limit=2&cursor=${encodeURIComponent(all.body.cursor)}`,
    );
    expect(next.body.items[0].runId).not.toBe(all.body.items[0].runId);
    const bad = await stack.call("GET", "/runs?status=Done&limit=0&colour=red&param.a=1&param.b=2");
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(
      ["query.colour", "query.limit", "query.param", "query.status"].sort(),
    );
  });

  it("counts runs per status with the filters of GET /runs and a time window, validating the query", async () => {
    const since = new Date().toISOString();
    const made = [];
    for (const who of ["c1", "c2", "c2"]) {
      made.push((await post("/pipelines/greet/runs", { parameters: { who } })).body.runId);
    }
    await stack.call("POST", `/runs/${made[0]}/terminate`);
    const record = await stack.runs.getRun(made[0]);
    const counts = await stack.call("GET", `/runs/counts?pipeline=greet&since=${encodeURIComponent(since)}`);
    expect(counts.status).toBe(200);
    expect(counts.body.since).toBe(since);
    expect(Object.keys(counts.body.counts).sort()).toEqual(
      ["Error", "Failed", "Pending", "Running", "Stopped", "Succeeded", "Terminated"].sort(),
    );
    const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    expect(total(counts.body.counts)).toBe(3);
    expect(counts.body.counts[record?.status ?? "?"]).toBeGreaterThanOrEqual(1);
    const byParam = await stack.call("GET", "/runs/counts?param.who=c2");
    expect(byParam.body).toMatchObject({ since: null });
    expect(total(byParam.body.counts)).toBe(2);
    // Matches what GET /runs lists for the same filters.
    const listed = await stack.call("GET", "/runs?pipeline=greet&limit=100");
    expect(total((await stack.call("GET", "/runs/counts?pipeline=greet")).body.counts)).toBe(
      listed.body.items.length,
    );
    // A time zone offset is normalised to UTC; a date alone is its midnight UTC.
    const offset = await stack.call("GET", "/runs/counts?since=2026-01-31T12:00:00%2B02:00");
    expect(offset.body.since).toBe("2026-01-31T10:00:00.000Z");
    expect((await stack.call("GET", "/runs/counts?since=2999-01-01")).body).toEqual({
      counts: { Pending: 0, Running: 0, Succeeded: 0, Failed: 0, Error: 0, Stopped: 0, Terminated: 0 },
      since: "2999-01-01T00:00:00.000Z",
    });

    const bad = await stack.call(
      "GET",
      "/runs/counts?since=yesterday&status=Failed&pipeline=Bad_Name&param.a=1&param.b=2",
    );
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(
      ["query.param", "query.pipeline", "query.since", "query.status"].sort(),
    );
    expect((await stack.call("GET", "/runs/counts?since=2026-02-30T00:00:00Z")).status).toBe(400);
  });

  it("answers 404 for an unknown run and 400 for a malformed run id", async () => {
    expect((await stack.call("GET", "/runs/01nope")).status).toBe(404);
    expect((await stack.call("GET", "/runs/NOT_AN_ID")).status).toBe(400);
    expect((await stack.call("POST", "/runs/01nope/stop")).status).toBe(404);
  });

  it("shows pipelines, versions with the last build's diagnostics, and specs", async () => {
    const list = await stack.call("GET", "/pipelines");
    expect(list.body.items.map((p: { name: string }) => p.name).sort()).toEqual(["broken", "greet"]);
    const greet = await stack.call("GET", "/pipelines/greet");
    expect(greet.body).toMatchObject({
      name: "greet",
      latestGoodVersion: "v1",
      versions: [{ version: "v1", ok: true }],
    });
    const broken = await stack.call("GET", "/pipelines/broken");
    expect(broken.body.lastBuild).toMatchObject({
      ok: false,
      diagnostics: [expect.objectContaining({ severity: "error" })],
    });
    const spec = await stack.call("GET", "/pipelines/greet/versions/v1/spec");
    expect(spec.status).toBe(200);
    expect(spec.headers["content-type"]).toBe("application/yaml");
    expect(spec.body).toContain("generateName: greet-");
    expect((await stack.call("GET", "/pipelines/greet/versions/latest/spec")).body).toBe(spec.body);
    const asJson = await stack.call("GET", "/pipelines/greet/versions/v1/spec", {
      headers: { accept: "application/json" },
    });
    expect(asJson.status).toBe(200);
    expect(asJson.headers["content-type"]).toBe("application/json");
    expect(asJson.headers.vary).toBe("accept");
    expect(asJson.body).toMatchObject({
      kind: "Workflow",
      metadata: { generateName: "greet-" },
      spec: {
        arguments: { parameters: expect.arrayContaining([expect.objectContaining({ name: "mode" })]) },
      },
    });
    // YAML stays the default, and wins whenever the client ranks it higher.
    for (const accept of ["*/*", "application/yaml, application/json;q=0.5", "text/html"]) {
      const answer = await stack.call("GET", "/pipelines/greet/versions/v1/spec", { headers: { accept } });
      expect(answer.headers["content-type"]).toBe("application/yaml");
      expect(answer.body).toBe(spec.body);
    }
    expect((await stack.call("GET", "/pipelines/broken/versions/v1/spec")).status).toBe(404);
    expect((await stack.call("GET", "/pipelines/greet/versions/x1/spec")).status).toBe(400);
    expect(await stack.call("GET", "/nowhere")).toMatchObject({ status: 404, body: { error: "not-found" } });
  });

  it("serves a finished step's logs, and stops and resubmits runs through the engine", async () => {
    const created = await post("/pipelines/greet/runs", { parameters: { who: "logs" } });
    const runId = created.body.runId;
    const [workflow] = (await stack.engine.list({ labelSelector: `${LABEL_RUN_ID}=${runId}` })).items;
    const ref = { namespace: workflow.metadata.namespace ?? "skiff", name: workflow.metadata.name ?? "" };
    for (let i = 0; i < 200; i++) {
      const current = await stack.engine.get(ref);
      if (current?.status?.phase === "Succeeded") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const logs = await stack.call("GET", `/runs/${runId}/steps/${workflow.metadata.name}/logs`);
    expect(logs.status).toBe(200);
    expect(logs.body.lines.map((l: { text: string }) => l.text)).toEqual(["hello logs"]);

    const resubmitted = await stack.call("POST", `/runs/${runId}/resubmit`);
    expect(resubmitted.status).toBe(201);
    expect(resubmitted.body).toMatchObject({ parentRunId: runId, pipeline: "greet" });
    expect(resubmitted.body.runId).not.toBe(runId);
    const child = await stack.call("GET", `/runs/${resubmitted.body.runId}`);
    expect(child.body).toMatchObject({ parentRunId: runId, parameters: { who: "logs", mode: "fast" } });
  });
});

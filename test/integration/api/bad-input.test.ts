// Every bad input a 4xx (issue 13): forged cursors, unsafe characters, deep and oversized bodies, overrides that
// would run code or reach ungranted Secrets — against DynamoDB Local, s3rver and the local engine. A refused
// request leaves no run record and no engine workflow.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../../../lib/adapters/dynamodb/cursor";
import { type ApiStack, startApiStack } from "./harness";

let stack: ApiStack;

const GREET = `import { container, param, workflow } from "skiff";
export default workflow({
  generateName: "greet-",
  arguments: { who: param(), mode: param({ default: "fast", enum: ["fast", "slow"] }) },
  entrypoint: container({ name: "main", image: "alpine:3.20", command: ["echo", "hello {{workflow.parameters.who}}"] }),
});
`;

beforeAll(async () => {
  stack = await startApiStack({
    profiles: { ci: { allow: { secrets: ["ci-token"] } } },
    // Even a deployment that allows every name cannot let a request set one that loads code.
    overrides: { envAllow: ["*"], secrets: [] },
  });
  await stack.push("greet", GREET);
  for (const who of ["c1", "c2", "c3"]) {
    const res = await stack.call("POST", "/pipelines/greet/runs", { body: { parameters: { who } } });
    expect(res.status).toBe(201);
  }
});
afterAll(async () => {
  await stack?.stop();
});

/** Every run record and engine workflow there is: a refused request must add neither. */
async function counts() {
  const runs = await stack.call("GET", "/runs?limit=100");
  const workflows = await stack.engine.list({});
  return { runs: runs.body.items.length as number, workflows: workflows.items.length };
}

const fields = (body: { details: Array<{ field: string }> }) => body.details.map((d) => d.field);

describe("forged cursors", () => {
  const forged = (state: unknown) => Buffer.from(JSON.stringify(state)).toString("base64url");
  const cases: Array<[string, string]> = [
    ["not base64 JSON", "not-a-cursor"],
    ["an array", forged([1])],
    ["a key without the index's attributes", forged({ key: { pk: "RUN#x" } })],
    ["a key with attributes outside the table", forged({ key: { pk: "RUN#x", sk: "RUN", owner: "me" } })],
    ["a non-string key value", forged({ key: { pk: { S: "RUN#x" }, sk: "RUN" } })],
    ["a negative part", forged({ part: -1, key: {} })],
    ["an extra field", forged({ key: {}, admin: true })],
    [
      "another partition of the same index",
      encodeCursor({ key: { pk: "RUN#x", sk: "RUN", gsi4pk: "PIPELINES", gsi4sk: "z" } }),
    ],
    [
      "another index's key",
      encodeCursor({ key: { pk: "RUN#x", sk: "RUN", gsi2pk: "STATUS#Failed", gsi2sk: "z" } }),
    ],
    ["an empty key value", encodeCursor({ key: { pk: "", sk: "RUN", gsi4pk: "RUNS", gsi4sk: "z" } })],
  ];
  it.each(cases)("answers 400 naming query.cursor for %s, on every list endpoint", async (_case, cursor) => {
    for (const path of [
      "/runs",
      "/runs?pipeline=greet",
      "/runs?status=Running",
      "/runs?param.who=c1",
      "/pipelines",
      "/pipelines/greet",
    ]) {
      const res = await stack.call(
        "GET",
        `${path}${path.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(cursor)}`,
      );
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(fields(res.body)).toEqual(["query.cursor"]);
    }
  });

  it("refuses a real cursor given to another query, and resumes its own", async () => {
    const first = await stack.call("GET", "/runs?pipeline=greet&limit=1");
    expect(first.body.cursor).toEqual(expect.any(String));
    const cursor = encodeURIComponent(first.body.cursor);
    const other = await stack.call("GET", `/runs?status=Running&cursor=${cursor}`);
    expect(other.status).toBe(400);
    expect(fields(other.body)).toEqual(["query.cursor"]);
    const next = await stack.call("GET", `/runs?pipeline=greet&limit=1&cursor=${cursor}`);
    expect(next.status).toBe(200);
    expect(next.body.items[0].runId).not.toBe(first.body.items[0].runId);
  });

  it("lets a hand-made cursor inside the query's own partition through: it can only reach what the query lists", async () => {
    const cursor = encodeCursor({ key: { pk: "RUN#zzz", sk: "RUN", gsi4pk: "RUNS", gsi4sk: "9999" } });
    const res = await stack.call("GET", `/runs?cursor=${encodeURIComponent(cursor)}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBe(3);
  });
});

describe("run requests refused with a 4xx and nothing left behind", () => {
  const post = (body: unknown) => stack.call("POST", "/pipelines/greet/runs", { body: body as object });

  it.each([
    ["a NUL byte", "a\u0000b", "NUL (U+0000)"],
    ["an escape sequence", "\u001b[2Jcleared", "a control character (U+001B)"],
    ["a C1 control", "x\u009b1m", "a control character (U+009B)"],
    ["a lone surrogate", "\ud83d", "a lone surrogate (U+D83D)"],
  ])("refuses %s in a parameter value, naming the parameter", async (_case, value, what) => {
    const before = await counts();
    const res = await post({ parameters: { who: value } });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      expect.objectContaining({
        field: "parameters.who",
        code: "unsafe-character",
        message: expect.stringContaining(what),
      }),
    ]);
    expect(await counts()).toEqual(before);
  });

  it("accepts tabs, newlines and any well-formed Unicode", async () => {
    const res = await post({ parameters: { who: "tab\there\r\nnext line 😀 ü" } });
    expect(res.status).toBe(201);
  });

  it("refuses a 40,000-deep affinity with 400 before anything walks it", async () => {
    const before = await counts();
    const deep = `{"parameters":{"who":"x"},"overrides":{"affinity":{"nodeAffinity":${"[".repeat(40_000)}${"]".repeat(40_000)}}}}`;
    // Over the harness's 4 KiB body limit, which would answer 413 first.
    stack.deps.config.limits.maxBodyBytes = 256 * 1024;
    try {
      const res = await stack.call("POST", "/pipelines/greet/runs", { body: deep });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: "body", code: "too-deep" })]);
    } finally {
      stack.deps.config.limits.maxBodyBytes = 4096;
    }
    expect(await counts()).toEqual(before);
  });

  it.each([
    ["BASH_ENV", { env: { BASH_ENV: "/dev/stdin" } }, "overrides.env.BASH_ENV"],
    ["LD_PRELOAD", { env: { LD_PRELOAD: "/tmp/x.so" } }, "overrides.env.LD_PRELOAD"],
    ["PATH", { env: { PATH: "/tmp" } }, "overrides.env.PATH"],
    ["NODE_OPTIONS", { env: { NODE_OPTIONS: "--require /tmp/x.js" } }, "overrides.env.NODE_OPTIONS"],
    ["PYTHONSTARTUP", { env: { PYTHONSTARTUP: "/tmp/x.py" } }, "overrides.env.PYTHONSTARTUP"],
    [
      "JAVA_TOOL_OPTIONS",
      { env: { JAVA_TOOL_OPTIONS: "-javaagent:/x.jar" } },
      "overrides.env.JAVA_TOOL_OPTIONS",
    ],
    [
      "a Secret env named LD_PRELOAD",
      { secrets: [{ env: "LD_PRELOAD", secretName: "ci-token", key: "k" }] },
      "overrides.secrets.0.env",
    ],
    ["an env value with a NUL", { env: { GREETING: "a\u0000" } }, "overrides.env.GREETING"],
    [
      "an ungranted Secret",
      { secrets: [{ env: "TOKEN", secretName: "db-admin", key: "password" }] },
      "overrides.secrets.0.secretName",
    ],
    [
      "an ungranted secret volume",
      { volumes: [{ name: "s", mountPath: "/s", secret: { secretName: "db-admin" } }] },
      "overrides.volumes.0.secret.secretName",
    ],
    [
      "too many env entries",
      { env: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`V${i}`, "1"])) },
      "overrides.env",
    ],
    [
      "a free-form affinity",
      { affinity: { nodeAffinity: { x: { y: { z: 1 } } } } },
      "overrides.affinity.nodeAffinity",
    ],
  ])(
    "refuses %s with 400 naming the field, leaving no run and no workflow",
    async (_case, overrides, field) => {
      stack.deps.config.limits.maxBodyBytes = 64 * 1024;
      try {
        const before = await counts();
        const res = await post({ parameters: { who: "x" }, overrides });
        expect(res.status).toBe(400);
        expect(fields(res.body)).toContain(field);
        expect(await counts()).toEqual(before);
      } finally {
        stack.deps.config.limits.maxBodyBytes = 4096;
      }
    },
  );

  it("names what the selected profile grants when refusing a Secret", async () => {
    const body = {
      parameters: { who: "x" },
      overrides: { secrets: [{ env: "TOKEN", secretName: "db-admin", key: "k" }] },
    };
    const refused = await post({ ...body, profile: "ci" });
    expect(refused.status).toBe(400);
    expect(refused.body.details[0].message).toMatch(/with profile ci \(granted: ci-token\)/);
  });

  it("answers a granted Secret the engine refuses at submit with 422, and leaves no run behind", async () => {
    // The local engine has no Secrets: it refuses the workflow when it is submitted, after the run was recorded.
    const before = await counts();
    const res = await post({
      parameters: { who: "x" },
      profile: "ci",
      overrides: { secrets: [{ env: "TOKEN", secretName: "ci-token", key: "k" }] },
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      error: "rejected-by-engine",
      message: expect.stringMatching(/secrets/),
    });
    expect(await counts()).toEqual(before);
    const errors = await stack.call("GET", "/runs?status=Error");
    expect(errors.body.items).toEqual([]);
  });

  it("lets the same Idempotency-Key be used again after the engine refused its request", async () => {
    const headers = { "idempotency-key": "refused-then-fixed" };
    const bad = {
      parameters: { who: "x" },
      profile: "ci",
      overrides: { secrets: [{ env: "TOKEN", secretName: "ci-token", key: "k" }] },
    };
    expect((await stack.call("POST", "/pipelines/greet/runs", { body: bad, headers })).status).toBe(422);
    const good = await stack.call("POST", "/pipelines/greet/runs", {
      body: { parameters: { who: "x" } },
      headers,
    });
    expect(good.status).toBe(201);
    expect(good.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("answers every one of 20 concurrent identical requests the engine refuses with 422, leaving no run", async () => {
    const before = await counts();
    const headers = { "idempotency-key": "refused-concurrently" };
    const bad = {
      parameters: { who: "y" },
      profile: "ci",
      overrides: { secrets: [{ env: "TOKEN", secretName: "ci-token", key: "k" }] },
    };
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => stack.call("POST", "/pipelines/greet/runs", { body: bad, headers })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(422));
    expect(await counts()).toEqual(before);
  });
});

// The client's HTTP behaviour against a real HTTP server on this machine that answers as the API (or API
// Gateway in front of it) does: each error status becomes its own typed error, idempotent requests are retried,
// nothing waits without a limit.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../../lib/client/client";
import {
  BadRequestError,
  ConflictError,
  ExpiredCredentialsError,
  ForbiddenError,
  NotFoundError,
  RunFailedError,
  RunNotFoundError,
  TimeoutError,
  UnreachableError,
} from "../../../lib/client/errors";
import { freePort } from "../../../lib/local/net";

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let handler: Handler = (_req, res) => res.end();
const requests: Array<{ method: string; url: string; headers: IncomingMessage["headers"]; body: string }> =
  [];
let server: Server;
let api: ApiClient;

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  api = new ApiClient(
    { apiUrl: `http://127.0.0.1:${port}`, local: true },
    { requestTimeoutMs: 300, retries: 2, backoffMs: 10 },
  );
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

const reset = (h: Handler) => {
  handler = h;
  requests.length = 0;
};

describe("ApiClient errors", () => {
  it("carries the API's {error, message, details} on a typed error per status", async () => {
    const details = [{ field: "parameters.rows", message: "expected an integer", code: "type" }];
    reset((_q, res) => send(res, 400, { error: "invalid-request", message: "1 parameter problem", details }));
    const bad = await api.createRun("etl", { parameters: { rows: "x" } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad as BadRequestError).toJSON()).toEqual({
      error: "invalid-request",
      message: "1 parameter problem",
      details,
    });

    reset((_q, res) =>
      send(res, 409, { error: "conflict", message: "pipeline etl has no successful build", details: [] }),
    );
    await expect(api.createRun("etl", {})).rejects.toBeInstanceOf(ConflictError);

    reset((_q, res) =>
      send(res, 404, { error: "not-found", message: "pipeline nope does not exist", details: [] }),
    );
    const missing = await api.getPipeline("nope").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).not.toBeInstanceOf(RunNotFoundError);
    expect(await api.findPipeline("nope")).toBeUndefined();
  });

  it("says a run id does not exist, and what to check", async () => {
    reset((_q, res) => send(res, 404, { error: "not-found", message: "run r1 does not exist", details: [] }));
    const error = await api.getRun("r1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunNotFoundError);
    expect((error as RunNotFoundError).runId).toBe("r1");
    expect((error as Error).message).toMatch(/run r1 does not exist here; check the id, or the context/);
  });

  it("tells IAM's refusal from expired credentials (API Gateway answers both with a bare 403)", async () => {
    reset((_q, res) =>
      send(res, 403, {
        message: "User: arn:aws:iam::1:user/u is not authorized to perform: execute-api:Invoke on resource",
      }),
    );
    const refused = await api.getRun("r1").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect(refused).toMatchObject({ status: 403, error: "forbidden" });
    expect((refused as Error).message).toMatch(/execute-api:Invoke on this API, or pick another profile/);

    reset((_q, res) => send(res, 403, { message: "The security token included in the request is expired" }));
    const expired = await api.getRun("r1").catch((e: unknown) => e);
    expect(expired).toBeInstanceOf(ExpiredCredentialsError);
    expect((expired as Error).message).toMatch(/have expired .*renew them/);
  });

  it("reports an unreachable API with what to do, after retrying an idempotent request", async () => {
    const port = await freePort();
    const down = new ApiClient(
      { apiUrl: `http://127.0.0.1:${port}`, local: true },
      { retries: 1, backoffMs: 10 },
    );
    const error = await down.getRun("r1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as Error).message).toMatch(
      /cannot reach the Skiff API at http:\/\/127\.0\.0\.1:\d+: .*npx skiff start/,
    );
  });

  it("gives up on a request that gets no answer, within its time limit", async () => {
    reset(() => {
      // never answers
    });
    const error = await api.getRun("r1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(requests).toHaveLength(3); // the first attempt and two retries: a GET is safe to repeat
  });
});

describe("ApiClient retries", () => {
  it("retries a GET through a gateway's 503 and answers the later success", async () => {
    let calls = 0;
    reset((_q, res) =>
      ++calls < 3
        ? send(res, 503, { message: "Service Unavailable" })
        : send(res, 200, { runId: "r1", status: "Running", steps: [] }),
    );
    expect(await api.getRun("r1")).toMatchObject({ runId: "r1" });
    expect(requests.map((r) => r.method)).toEqual(["GET", "GET", "GET"]);
  });

  it("retries a run request with its idempotency key (the API replays it), and never a stop", async () => {
    reset((_q, res) => send(res, 503, { message: "Service Unavailable" }));
    await expect(api.createRun("etl", {}, "key-1")).rejects.toMatchObject({ status: 503 });
    expect(requests.map((r) => r.headers["idempotency-key"])).toEqual(["key-1", "key-1", "key-1"]);

    reset((_q, res) => send(res, 503, { message: "Service Unavailable" }));
    await expect(api.action("r1", "stop")).rejects.toMatchObject({ status: 503 });
    expect(requests).toHaveLength(1);
  });
});

describe("RunFailedError", () => {
  it("carries the failed steps and their messages, recorded or read from the steps", () => {
    const base = {
      runId: "r1",
      pipeline: "etl",
      version: "v1",
      parameters: {},
      engine: { kind: "local" as const, namespace: "skiff" },
      createdAt: "2026-01-01T00:00:00Z",
    };
    const recorded = new RunFailedError({
      ...base,
      status: "Failed",
      failedSteps: [{ stepId: "n1", name: "load", exitCode: 3, message: "Error (exit code 3)" }],
    });
    expect(recorded).toMatchObject({ runId: "r1", status: "Failed", error: "run-failed" });
    expect(recorded.failedSteps).toEqual([
      { stepId: "n1", name: "load", exitCode: 3, message: "Error (exit code 3)" },
    ]);
    expect(recorded.message).toBe(
      "run r1 ended Failed: load (Error (exit code 3)); see skiff get r1 and skiff logs r1",
    );
    const live = new RunFailedError({
      ...base,
      status: "Error",
      steps: [
        {
          runId: "r1",
          stepId: "root",
          name: "wf",
          displayName: "wf",
          type: "Steps",
          phase: "Error",
          children: ["n2"],
        },
        {
          runId: "r1",
          stepId: "n2",
          name: "wf[0].x",
          displayName: "x",
          type: "Pod",
          phase: "Error",
          message: "OOMKilled",
        },
      ],
    });
    expect(live.failedSteps).toEqual([{ name: "x", stepId: "n2", message: "OOMKilled" }]);
    expect(live.details).toEqual([{ field: "steps.x", message: "OOMKilled", code: "failed" }]);
  });
});

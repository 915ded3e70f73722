import { readdirSync } from "node:fs";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../../../lib/local/bus/envelope";
import { createS3Client } from "../../../../lib/local/s3";
import { type Stack, startStack } from "../../../../lib/local/stack";
import { nextBusEvent } from "../../../support/stack-harness";
import { tempDir } from "../../../support/temp-dir";
import { type Calls, fixtureHandlers } from "./fixture-handlers";

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("startStack wires serverless.yml's triggers to the handlers", () => {
  let stack: Stack;
  const calls: Calls = { build: [], watcher: [] };
  const events: EventEnvelope[] = [];
  const envBefore = process.env.AWS_ENDPOINT_URL_S3;
  // The OS temp dir the stack sees (os.tmpdir() reads TMPDIR), to check that an ephemeral stack leaves nothing.
  const tmp = tempDir("stack-tmp");
  const tmpBefore = process.env.TMPDIR;

  const nextEvent = (test: (e: EventEnvelope) => boolean) => nextBusEvent(stack, events, test);

  beforeAll(async () => {
    process.env.TMPDIR = tmp.path;
    stack = await startStack({
      ephemeral: true,
      handlers: fixtureHandlers(calls),
      uploadExamples: false,
      schedules: false,
      retryDelayMs: 50,
      log: () => {},
    });
    stack.router.subscribe((event) => events.push(event));
  });

  afterAll(async () => {
    await stack?.stop();
    if (tmpBefore === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpBefore;
    tmp.remove();
  });

  it("gives the handlers the local endpoints and serverless.yml's names", () => {
    expect(process.env.AWS_ENDPOINT_URL_S3).toBe(stack.s3Endpoint);
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(stack.dynamodbEndpoint);
    expect(process.env.AWS_ENDPOINT_URL_EVENTBRIDGE).toBe(stack.busUrl);
    expect(stack.env).toMatchObject({
      SKIFF_BUCKET: "skiff-local-pipelines",
      SKIFF_EVENT_BUS: "skiff-local",
      SKIFF_TABLE: "skiff-local-RunsTable",
      SKIFF_ENGINE: "local",
      SKIFF_STAGE: "local",
    });
  });

  it("runs the build function for pipelines/*.ts uploads only", async () => {
    const s3 = createS3Client(stack.s3Endpoint);
    await s3.send(
      new PutObjectCommand({
        Bucket: stack.bucket,
        Key: "pipelines/hello world.ts",
        Body: "export default 1;",
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: "pipelines/readme.md", Body: "no" }));
    await s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: "other/x.ts", Body: "no" }));
    await stack.idle();
    expect(calls.build.map((e) => e.Records[0].s3.object.key)).toEqual(["pipelines/hello+world.ts"]);
    const spec = await s3.send(
      new GetObjectCommand({ Bucket: stack.bucket, Key: "specs/hello world/v1.yaml" }),
    );
    expect(await spec.Body?.transformToString()).toBe("export default 1;");
    const built = await nextEvent((e) => e["detail-type"] === "Pipeline Build Succeeded");
    expect(built).toMatchObject({
      source: "skiff",
      detail: { pipeline: "hello world" },
      region: stack.region,
    });
    s3.destroy();
  });

  it("serves the HTTP API, runs on the engine, and feeds status changes to the watcher through the bus", async () => {
    const response = await fetch(`${stack.apiUrl}/pipelines/hello/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "from-the-test" }),
    });
    expect(response.status).toBe(201);
    const { runId } = (await response.json()) as { runId: string };
    const completed = await nextEvent(
      (e) => e["detail-type"] === "Pipeline Run Completed" && e.detail.runId === runId,
    );
    expect(completed.detail.status).toBe("Succeeded");

    const statusEvents = events.filter((e) => e.source === "skiff.engine" && e.detail.runId === runId);
    expect(statusEvents.length).toBeGreaterThan(0);
    expect(statusEvents.at(-1)?.detail).toMatchObject({ runId, namespace: "skiff", phase: "Succeeded" });

    const run = await fetch(`${stack.apiUrl}/runs/${runId}?verbose=1`);
    expect(run.status).toBe(200);
    expect(await run.json()).toEqual({ runId, status: "Succeeded", query: { verbose: "1" } });
  });

  it("answers 404 for routes serverless.yml does not declare", async () => {
    const response = await fetch(`${stack.apiUrl}/nowhere`);
    expect(response.status).toBe(404);
  });

  it("invokes the watcher with EventBridge's scheduled event", async () => {
    await stack.runSchedules();
    const scheduled = calls.watcher.find((e) => e["detail-type"] === "Scheduled Event");
    expect(scheduled).toMatchObject({ source: "aws.events", detail: {} });
  });

  it("stops every process and restores the environment, after the watcher has heard of terminated runs", async () => {
    const response = await fetch(`${stack.apiUrl}/pipelines/slow/runs`, {
      method: "POST",
      body: JSON.stringify({ message: "started; sleep 300" }),
    });
    const { runId } = (await response.json()) as { runId: string };
    await nextEvent(
      (e) => e.source === "skiff.engine" && e.detail.runId === runId && e.detail.phase === "Running",
    );
    const { s3, dynamodb } = stack.processes;
    await stack.stop();
    const last = calls.watcher.filter((e) => e.detail.runId === runId).at(-1);
    expect(last?.detail.phase).toBe("Failed");
    expect(isAlive(s3)).toBe(false);
    expect(isAlive(dynamodb)).toBe(false);
    expect(process.env.AWS_ENDPOINT_URL_S3).toBe(envBefore);
    // Ephemeral: the S3 objects, the state directory and the engine's step directories went with it.
    expect(readdirSync(tmp.path)).toEqual([]);
  });
});

// A schedule on the embedded stack, in real time: the stack fires serverless.yml's `schedules` function (here
// every second instead of every minute, so the test waits for one minute boundary only), which starts an
// every-minute CronWorkflow's run; the run is recorded, watched and completed like any other.
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../../../lib/local/bus/envelope";
import { createS3Client } from "../../../../lib/local/s3";
import { type Stack, startStack } from "../../../../lib/local/stack";

let stack: Stack;
const events: EventEnvelope[] = [];

const nextEvent = (test: (e: EventEnvelope) => boolean) =>
  new Promise<EventEnvelope>((resolve) => {
    const seen = events.find(test);
    if (seen) return resolve(seen);
    const unsubscribe = stack.router.subscribe((event) => {
      if (test(event)) {
        unsubscribe();
        resolve(event);
      }
    });
  });

const logLevel = process.env.POWERTOOLS_LOG_LEVEL;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = "WARN";
  stack = await startStack({
    ephemeral: true,
    handlers: async () => (await import("../../../../functions/index")).handlers,
    uploadExamples: false,
    scheduleIntervalMs: 1000,
    log: () => {},
  });
  stack.router.subscribe((event) => events.push(event));
  const s3 = createS3Client(stack.s3Endpoint);
  await s3.send(
    new PutObjectCommand({
      Bucket: stack.bucket,
      Key: "pipelines/tick.ts",
      Body: `import { container, cronWorkflow } from "skiff";
export default cronWorkflow({
  name: "tick",
  schedules: ["* * * * *"],
  concurrencyPolicy: "Forbid",
  entrypoint: container({ name: "main", image: "alpine", command: ["echo", "at {{workflow.scheduledTime}}"] }),
});
`,
    }),
  );
  s3.destroy();
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  if (logLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  else process.env.POWERTOOLS_LOG_LEVEL = logLevel;
});

describe("a cronWorkflow on the embedded stack", () => {
  it("fires on its schedule: one recorded run with steps and logs, and exactly one Pipeline Run Completed", async () => {
    const built = await nextEvent(
      (e) => e["detail-type"].startsWith("Pipeline Build") && e.detail.pipeline === "tick",
    );
    expect(built["detail-type"]).toBe("Pipeline Build Succeeded");

    const listed = (await (await fetch(`${stack.apiUrl}/schedules`)).json()) as {
      items: Array<{ pipeline: string; nextFireTimes: string[] }>;
    };
    expect(listed.items).toEqual([
      expect.objectContaining({ pipeline: "tick", nextFireTimes: [expect.any(String)] }),
    ]);

    const completed = await nextEvent(
      (e) => e["detail-type"] === "Pipeline Run Completed" && e.detail.pipeline === "tick",
    );
    expect(completed.detail).toMatchObject({ status: "Succeeded", caller: "schedule" });
    const runId = String(completed.detail.runId);

    const run = (await (await fetch(`${stack.apiUrl}/runs/${runId}`)).json()) as {
      status: string;
      steps: Array<{ stepId: string; type: string }>;
    };
    expect(run).toMatchObject({ status: "Succeeded", pipeline: "tick", version: "v1", caller: "schedule" });
    const pod = run.steps.find((s) => s.type === "Pod");
    expect(pod).toBeDefined();
    const logs = (await (await fetch(`${stack.apiUrl}/runs/${runId}/steps/${pod?.stepId}/logs`)).json()) as {
      lines: Array<{ text: string }>;
    };
    expect(logs.lines.map((l) => l.text).join("\n")).toMatch(/at \d{4}-\d\d-\d\dT\d\d:\d\d:00Z/);

    const runs = (await (await fetch(`${stack.apiUrl}/runs?pipeline=tick`)).json()) as { items: unknown[] };
    expect(runs.items.length).toBeGreaterThanOrEqual(1);
    await stack.idle();
    const completions = events.filter(
      (e) => e["detail-type"] === "Pipeline Run Completed" && e.detail.runId === runId,
    );
    expect(completions).toHaveLength(1);
  }, 180_000);
});

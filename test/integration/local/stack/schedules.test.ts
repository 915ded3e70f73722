import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../../../lib/local/bus/envelope";
import type { Stack } from "../../../../lib/local/stack";
import { type StackHarness, startStackHarness } from "../../../support/stack-harness";

let harness: StackHarness;
let stack: Stack;
let events: EventEnvelope[];
let nextEvent: StackHarness["nextEvent"];

beforeAll(async () => {
  harness = await startStackHarness({ scheduleIntervalMs: 1000 });
  ({ stack, events, nextEvent } = harness);
  await harness.put(
    "pipelines/tick.ts",
    `import { container, cronWorkflow } from "skiff";
export default cronWorkflow({
  name: "tick",
  schedules: ["* * * * *"],
  concurrencyPolicy: "Forbid",
  entrypoint: container({ name: "main", image: "alpine", command: ["echo", "at {{workflow.scheduledTime}}"] }),
});
`,
  );
}, 180_000);
afterAll(() => harness?.stop());

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

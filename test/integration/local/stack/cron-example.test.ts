import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromConfig } from "../../../../functions/init";
import { scheduleServiceFromConfig } from "../../../../lib/api/wiring";
import { parseCronSchedule } from "../../../../lib/argo/cron";
import type { Stack } from "../../../../lib/local/stack";
import { createScheduleTickHandler } from "../../../../lib/runs/schedules/handler";
import { type StackHarness, startStackHarness } from "../../../support/stack-harness";

const example = fileURLToPath(new URL("../../../../examples/cron/pipeline.ts", import.meta.url));

let harness: StackHarness;
let stack: Stack;
let nextEvent: StackHarness["nextEvent"];
/** How far the tick's clock is ahead of the system's. */
let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);
const quiet = { info: () => {}, error: () => {} };

const skiffCli = (...args: string[]) => harness.skiff(...args);

beforeAll(async () => {
  harness = await startStackHarness({
    handlers: async () => ({
      ...(await import("../../../../functions/index")).handlers,
      // functions/schedules.ts, with the clock given to its service.
      schedules: createScheduleTickHandler(
        fromConfig((config) => scheduleServiceFromConfig(config, { now: clock })),
        quiet,
      ),
    }),
    scheduleIntervalMs: 1000,
  });
  ({ stack, nextEvent } = harness);
}, 180_000);
afterAll(() => harness?.stop());

describe("examples/cron on the embedded stack", () => {
  it("runs on its schedule and shows its run in skiff list", async () => {
    // As the stack uploads the examples: examples/<name>/pipeline.ts → pipelines/<name>.ts.
    await harness.put("pipelines/cron.ts", readFileSync(example));
    const built = await nextEvent(
      (e) => e["detail-type"].startsWith("Pipeline Build") && e.detail.pipeline === "cron",
    );
    expect(built["detail-type"]).toBe("Pipeline Build Succeeded");

    const schedule = (await (await fetch(`${stack.apiUrl}/schedules/cron`)).json()) as {
      schedules: string[];
      timezone: string;
      nextFireTimes: string[];
    };
    expect(schedule).toMatchObject({ schedules: ["30 2 * * *"], timezone: "Europe/Paris" });
    const due = parseCronSchedule("30 2 * * *", "Europe/Paris").next(new Date());
    expect(schedule.nextFireTimes).toEqual([due.toISOString()]);
    // Nothing has fired before the time comes.
    const before = (await (await fetch(`${stack.apiUrl}/runs?pipeline=cron`)).json()) as { items: unknown[] };
    expect(before.items).toEqual([]);

    // The clock reaches 02:30 in Paris (plus a little: the tick sees a firing after its time, as in production).
    offsetMs = due.getTime() + 3_000 - Date.now();
    const completed = await nextEvent(
      (e) => e["detail-type"] === "Pipeline Run Completed" && e.detail.pipeline === "cron",
    );
    expect(completed.detail).toMatchObject({ status: "Succeeded", caller: "schedule", version: "v1" });
    const runId = String(completed.detail.runId);

    const run = (await (await fetch(`${stack.apiUrl}/runs/${runId}`)).json()) as {
      steps: Array<{ stepId: string; type: string }>;
    };
    const pod = run.steps.find((s) => s.type === "Pod");
    const logs = (await (await fetch(`${stack.apiUrl}/runs/${runId}/steps/${pod?.stepId}/logs`)).json()) as {
      lines: Array<{ text: string }>;
    };
    // {{workflow.scheduledTime}} is the firing's time: 02:30 in Paris.
    expect(logs.lines.map((l) => l.text)).toContain(
      `nightly run scheduled at ${due.toISOString().replace(".000Z", "Z")}`,
    );

    const listed = await skiffCli("list", "--pipeline", "cron", "-o", "json");
    expect(listed.code, listed.stderr).toBe(0);
    const items = (
      JSON.parse(listed.stdout) as { items: Array<{ runId: string; caller: string; status: string }> }
    ).items;
    expect(items).toEqual([expect.objectContaining({ runId, caller: "schedule", status: "Succeeded" })]);
    const text = await skiffCli("list", "--pipeline", "cron");
    expect(text.stdout).toMatch(new RegExp(`${runId}\\s+cron\\s+v1\\s+Succeeded`));

    // One firing, one run: later ticks of the same minute start nothing more.
    await stack.idle();
    const again = (await (await fetch(`${stack.apiUrl}/runs?pipeline=cron`)).json()) as { items: unknown[] };
    expect(again.items).toHaveLength(1);
  }, 180_000);
});

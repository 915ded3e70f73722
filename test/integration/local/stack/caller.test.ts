import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../../../lib/local/bus/envelope";
import type { Stack } from "../../../../lib/local/stack";
import { type StackHarness, startStackHarness } from "../../../support/stack-harness";

let harness: StackHarness;
let stack: Stack;
let events: EventEnvelope[];
let nextEvent: StackHarness["nextEvent"];

beforeAll(async () => {
  harness = await startStackHarness({ schedules: false });
  ({ stack, events, nextEvent } = harness);
  await harness.put(
    "pipelines/who.ts",
    `import { container, workflow } from "skiff";
export default workflow({ generateName: "who-", entrypoint: container({ name: "main", image: "alpine", command: ["true"] }) });
`,
  );
  await stack.idle();
}, 180_000);
afterAll(() => harness?.stop());

describe("the embedded stack's caller", () => {
  it("is `local`: on the run record, in the API's answers, and in the run's events", async () => {
    const built = await nextEvent((e) => e["detail-type"].startsWith("Pipeline Build"));
    expect(built["detail-type"]).toBe("Pipeline Build Succeeded");
    const response = await fetch(`${stack.apiUrl}/pipelines/who/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { runId: string; caller: string };
    expect(created.caller).toBe("local");

    const completed = await nextEvent(
      (e) => e["detail-type"] === "Pipeline Run Completed" && e.detail.runId === created.runId,
    );
    expect(completed.detail).toMatchObject({ status: "Succeeded", caller: "local" });
    const changes = events.filter(
      (e) => e["detail-type"] === "Pipeline Run Status Change" && e.detail.runId === created.runId,
    );
    for (const change of changes) expect(change.detail.caller).toBe("local");

    const run = await fetch(`${stack.apiUrl}/runs/${created.runId}`);
    expect(await run.json()).toMatchObject({ runId: created.runId, caller: "local" });
  });
});

// The caller on the real embedded stack (the real handlers of functions/index.ts): its routes take no
// credentials, so every run is recorded, answered and announced as created by `local`.
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../../../lib/local/bus/envelope";
import { createS3Client } from "../../../../lib/local/s3";
import { type Stack, startStack } from "../../../../lib/local/stack";

let stack: Stack;
const events: EventEnvelope[] = [];

/** The first bus event satisfying `test`, already seen or still to come. */
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
  process.env.POWERTOOLS_LOG_LEVEL = "WARN"; // the handlers' INFO lines, as `skiff start` keeps them quiet
  stack = await startStack({
    ephemeral: true,
    handlers: async () => (await import("../../../../functions/index")).handlers,
    uploadExamples: false,
    schedules: false,
    log: () => {},
  });
  stack.router.subscribe((event) => events.push(event));
  const s3 = createS3Client(stack.s3Endpoint);
  await s3.send(
    new PutObjectCommand({
      Bucket: stack.bucket,
      Key: "pipelines/who.ts",
      Body: `import { container, workflow } from "skiff";
export default workflow({ generateName: "who-", entrypoint: container({ name: "main", image: "alpine", command: ["true"] }) });
`,
    }),
  );
  s3.destroy();
  await stack.idle();
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  if (logLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  else process.env.POWERTOOLS_LOG_LEVEL = logLevel;
});

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

// Shared templates on the embedded stack: push the pipeline that defines a workflowTemplate, then one that calls
// it by templateRef; the second runs through the API like any pipeline and its step runs the shared template.
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

const built = (pipeline: string) =>
  nextEvent((e) => e["detail-type"].startsWith("Pipeline Build") && e.detail.pipeline === pipeline);

const logLevel = process.env.POWERTOOLS_LOG_LEVEL;

async function push(key: string, body: string): Promise<void> {
  const s3 = createS3Client(stack.s3Endpoint);
  try {
    await s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: body }));
  } finally {
    s3.destroy();
  }
}

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = "WARN";
  stack = await startStack({
    ephemeral: true,
    handlers: async () => (await import("../../../../functions/index")).handlers,
    uploadExamples: false,
    log: () => {},
  });
  stack.router.subscribe((event) => events.push(event));
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  if (logLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  else process.env.POWERTOOLS_LOG_LEVEL = logLevel;
});

describe("shared templates on the embedded stack", () => {
  it("a pushed workflowTemplate is installed; a pipeline pushed after it runs its template by templateRef", async () => {
    await push(
      "pipelines/greetings.ts",
      `import { container, param, workflowTemplate } from "skiff";
const greet = container({
  name: "greet",
  image: "alpine",
  command: ["echo", "shared hello {{inputs.parameters.who}}"],
  inputs: { who: param() },
});
export default workflowTemplate({ name: "greetings", templates: [greet] });
`,
    );
    expect((await built("greetings"))["detail-type"]).toBe("Pipeline Build Succeeded");

    await push(
      "pipelines/caller.ts",
      `import { param, steps, templateRef, workflow } from "skiff";
const greet = templateRef({ name: "greetings", template: "greet", inputs: { who: param() } });
const main = steps("main", (s) => {
  s.step("hello", greet, { args: { who: "stack" } });
});
export default workflow({ generateName: "caller-", entrypoint: main });
`,
    );
    expect((await built("caller"))["detail-type"]).toBe("Pipeline Build Succeeded");

    const response = await fetch(`${stack.apiUrl}/pipelines/caller/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(201);
    const { runId } = (await response.json()) as { runId: string };
    const completed = await nextEvent(
      (e) => e["detail-type"] === "Pipeline Run Completed" && e.detail.runId === runId,
    );
    expect(completed.detail).toMatchObject({ status: "Succeeded", pipeline: "caller" });

    const run = (await (await fetch(`${stack.apiUrl}/runs/${runId}`)).json()) as {
      steps: Array<{ stepId: string; type: string }>;
    };
    const pod = run.steps.find((s) => s.type === "Pod");
    expect(pod).toBeDefined();
    const logs = (await (await fetch(`${stack.apiUrl}/runs/${runId}/steps/${pod?.stepId}/logs`)).json()) as {
      lines: Array<{ text: string }>;
    };
    expect(logs.lines.map((l) => l.text)).toContain("shared hello stack");
  }, 180_000);
});

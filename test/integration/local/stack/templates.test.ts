import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../../../lib/local/bus/envelope";
import type { Stack } from "../../../../lib/local/stack";
import { type StackHarness, startStackHarness } from "../../../support/stack-harness";

let harness: StackHarness;
let stack: Stack;
let events: EventEnvelope[];
let nextEvent: StackHarness["nextEvent"];

const built = (pipeline: string) =>
  nextEvent((e) => e["detail-type"].startsWith("Pipeline Build") && e.detail.pipeline === pipeline);

const skiffCli = (...args: string[]) => harness.skiff(...args);

type Answer = { items: Array<Record<string, unknown>>; details: unknown[] } & Record<string, unknown>;

async function get(path: string): Promise<{ status: number; body: Answer }> {
  const response = await fetch(`${stack.apiUrl}${path}`);
  return { status: response.status, body: (await response.json()) as Answer };
}

const push = (key: string, body: string) => harness.put(key, body);

beforeAll(async () => {
  harness = await startStackHarness();
  ({ stack, events, nextEvent } = harness);
}, 180_000);
afterAll(() => harness?.stop());

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

  it("lists installed templates (GET /templates, skiff templates) with their pipeline, version and state", async () => {
    const library = (word: string) => `import { container, param, script, workflowTemplate } from "skiff";
const shout = container({
  name: "shout",
  image: "alpine",
  command: ["echo", "${word} {{inputs.parameters.what}} {{inputs.parameters.times}}"],
  inputs: { what: param(), times: param({ default: "1" }) },
});
const tidy = script({ name: "tidy", image: "alpine", command: ["sh"], source: "echo tidy" });
export default workflowTemplate({ name: "toolbox", templates: [shout, tidy] });
`;
    await push("pipelines/tools.ts", library("loud"));
    expect((await built("tools"))["detail-type"]).toBe("Pipeline Build Succeeded");

    const listed = await get("/templates");
    expect(listed.status).toBe(200);
    const toolbox = listed.body.items.find((t) => t.name === "toolbox");
    expect(toolbox).toMatchObject({
      name: "toolbox",
      kind: "WorkflowTemplate",
      pipeline: "tools",
      version: "v1",
      latestGoodVersion: "v1",
      state: "current",
      templates: [
        {
          name: "shout",
          type: "container",
          inputs: [
            { name: "what", required: true },
            { name: "times", required: false, default: "1" },
          ],
        },
        { name: "tidy", type: "script", inputs: [] },
      ],
      links: {
        self: "/templates/toolbox",
        pipeline: "/pipelines/tools",
        spec: "/pipelines/tools/versions/v1/spec",
      },
    });
    const one = await get("/templates/toolbox");
    expect(one.status).toBe(200);
    expect(one.body).toEqual(toolbox);

    // Bad input names its field; an unknown template is a 404.
    const badName = await get("/templates/Not_A_Name");
    expect(badName.status).toBe(400);
    expect(badName.body.details).toEqual([expect.objectContaining({ field: "path.name" })]);
    const badKind = await get("/templates?kind=CronWorkflow");
    expect(badKind.status).toBe(400);
    expect(badKind.body.details).toEqual([expect.objectContaining({ field: "query.kind" })]);
    const unknownQuery = await get("/templates/toolbox?verbose=1");
    expect(unknownQuery.status).toBe(400);
    expect(unknownQuery.body.details).toEqual([expect.objectContaining({ field: "query.verbose" })]);
    expect((await get("/templates/no-such-toolbox")).status).toBe(404);
    // Cluster templates are off here: asking for them says so.
    for (const path of [
      "/templates?kind=ClusterWorkflowTemplate",
      "/templates/toolbox?kind=ClusterWorkflowTemplate",
    ]) {
      const refused = await get(path);
      expect(refused.status).toBe(422);
      expect(refused.body.message).toMatch(/SKIFF_CLUSTER_TEMPLATES/);
    }

    // A new version replaces the installed one.
    events.length = 0;
    await push("pipelines/tools.ts", library("louder"));
    expect((await built("tools"))["detail-type"]).toBe("Pipeline Build Succeeded");
    expect((await get("/templates/toolbox")).body).toMatchObject({ version: "v2", state: "current" });

    const json = await skiffCli("templates", "-o", "json");
    expect(json.code, json.stderr).toBe(0);
    const items = (JSON.parse(json.stdout) as { items: Array<{ name: string; version: string }> }).items;
    expect(items.find((t) => t.name === "toolbox")).toMatchObject({ version: "v2", pipeline: "tools" });
    const text = await skiffCli("templates");
    expect(text.stdout).toMatch(/toolbox\s+WorkflowTemplate\s+tools\s+v2\s+current\s+shout, tidy/);
    const shown = await skiffCli("templates", "toolbox");
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain("shout  container (what*, times=1)");
    const missing = await skiffCli("templates", "no-such-toolbox");
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(
      /no WorkflowTemplate or ClusterWorkflowTemplate no-such-toolbox is installed/,
    );
    const wrongKind = await skiffCli("templates", "--kind", "Cron");
    expect(wrongKind.code).not.toBe(0);
    expect(wrongKind.stderr).toMatch(/unknown kind "Cron"/);
  }, 180_000);
});

// CronWorkflow pipelines' schedules against real parts: the build service installs them in DynamoDB Local, the
// schedule tick (the production ScheduleService, given the time to decide at) starts runs through the API's run
// path on the real local engine, and the /schedules routes list, suspend, resume and trigger them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANNOTATION_SCHEDULED_TIME, LABEL_CRON_WORKFLOW } from "../../../lib/argo/labels";
import { LABEL_RUN_ID } from "../../../lib/engine/labels";
import type { ScheduleService } from "../../../lib/runs/schedules/service";
import { type ApiStack, startApiStack } from "./harness";

let stack: ApiStack;
let service: ScheduleService;

const cron = (name: string, options: string) => `import { container, cronWorkflow } from "skiff";
export default cronWorkflow({
  name: "${name}",
  ${options}
  entrypoint: container({
    name: "main",
    image: "alpine:3.20",
    command: ["echo", "scheduled at {{workflow.scheduledTime}}"],
  }),
});
`;

const minutes = (n: number) => new Date(Date.now() + n * 60_000);

beforeAll(async () => {
  stack = await startApiStack();
  if (!stack.deps.schedules) throw new Error("the harness has no schedule service");
  service = stack.deps.schedules;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

describe("a pushed cronWorkflow", () => {
  it("becomes a schedule listed with its next firing, and each firing is one ordinary run", async () => {
    await stack.push(
      "every-minute",
      cron("every-minute", `schedules: ["* * * * *"], concurrencyPolicy: "Allow",`),
    );
    const listed = await stack.call("GET", "/schedules");
    expect(listed.status).toBe(200);
    const schedule = listed.body.items.find((s: { pipeline: string }) => s.pipeline === "every-minute");
    expect(schedule).toMatchObject({
      pipeline: "every-minute",
      version: "v1",
      schedules: ["* * * * *"],
      concurrencyPolicy: "Allow",
      suspended: false,
      nextFireTimes: [expect.stringMatching(/:00\.000Z$/)],
    });

    const at = minutes(1);
    const outcomes = await service.tick(at);
    const started = outcomes.find((o) => o.pipeline === "every-minute");
    expect(started).toMatchObject({ kind: "started" });
    if (started?.kind !== "started") throw new Error("no run started");
    // The firing is the minute boundary at or before the tick.
    expect(new Date(started.scheduledTime).getTime()).toBeLessThanOrEqual(at.getTime());
    expect(at.getTime() - new Date(started.scheduledTime).getTime()).toBeLessThan(60_000);

    const run = await stack.call("GET", `/runs/${started.runId}`);
    expect(run.body).toMatchObject({ pipeline: "every-minute", version: "v1", caller: "schedule" });
    const workflows = await stack.engine.list({ labelSelector: `${LABEL_RUN_ID}=${started.runId}` });
    expect(workflows.items).toHaveLength(1);
    const wf = workflows.items[0];
    expect(wf.kind).toBe("Workflow");
    expect(wf.metadata.labels?.[LABEL_CRON_WORKFLOW]).toBe("every-minute");
    expect(wf.metadata.annotations?.[ANNOTATION_SCHEDULED_TIME]).toBe(
      started.scheduledTime.replace(".000Z", "Z"),
    );

    // The same firing decided again (another tick, a retry) starts nothing more.
    const again = await service.tick(at);
    expect(again.find((o) => o.pipeline === "every-minute")).toMatchObject({ kind: "idle" });
    const runs = await stack.call("GET", "/runs?pipeline=every-minute");
    expect(runs.body.items).toHaveLength(1);

    const after = await stack.call("GET", "/schedules/every-minute");
    expect(after.body.lastScheduledTime).toBe(started.scheduledTime);
  });

  it("substitutes {{workflow.scheduledTime}} on the local engine", async () => {
    const runs = await stack.call("GET", "/runs?pipeline=every-minute");
    const runId = runs.body.items[0].runId as string;
    const [wf] = (await stack.engine.list({ labelSelector: `${LABEL_RUN_ID}=${runId}` })).items;
    const ref = { name: wf.metadata.name ?? "", namespace: wf.metadata.namespace ?? "skiff" };
    let done = await stack.engine.get(ref);
    for (let i = 0; i < 300 && !["Succeeded", "Failed", "Error"].includes(done?.status?.phase ?? ""); i++) {
      await new Promise((r) => setTimeout(r, 100));
      done = await stack.engine.get(ref);
    }
    expect(done?.status?.phase).toBe("Succeeded");
    const lines: string[] = [];
    for await (const line of stack.engine.logs(ref)) lines.push(line.text);
    const scheduled = wf.metadata.annotations?.[ANNOTATION_SCHEDULED_TIME];
    expect(lines.join("\n")).toContain(`scheduled at ${scheduled}`);
  });

  it("fires each of several schedules on its own, and once when two fire at the same minute", async () => {
    const minute = (n: number) => new Date(Math.floor(minutes(n).getTime() / 60_000) * 60_000);
    const [a, b] = [minute(5), minute(15)];
    const daily = (d: Date) => `${d.getUTCMinutes()} ${d.getUTCHours()} * * *`;
    // The third fires hourly at a's minute: with the first, two schedules at one minute.
    const expressions = [daily(a), daily(b), `${a.getUTCMinutes()} * * * *`];
    await stack.push("several", cron("several", `schedules: ${JSON.stringify(expressions)},`));
    const listed = (await stack.call("GET", "/schedules/several")).body;
    expect(listed.schedules).toEqual(expressions);
    expect(listed.nextFireTimes).toEqual([a.toISOString(), b.toISOString(), a.toISOString()]);

    const first = (await service.tick(new Date(a.getTime() + 30_000))).find((o) => o.pipeline === "several");
    expect(first).toMatchObject({ kind: "started", scheduledTime: a.toISOString() });
    const second = (await service.tick(new Date(b.getTime() + 30_000))).find((o) => o.pipeline === "several");
    expect(second).toMatchObject({ kind: "started", scheduledTime: b.toISOString() });
    const runs = await stack.call("GET", "/runs?pipeline=several");
    expect(runs.body.items).toHaveLength(2);
  });

  it("skips a firing under concurrencyPolicy Forbid while a scheduled run is active", async () => {
    // The API harness has no watcher: a started run stays Pending in the store, i.e. active.
    await stack.push("forbid", cron("forbid", `schedules: ["* * * * *"], concurrencyPolicy: "Forbid",`));
    const first = (await service.tick(minutes(1))).find((o) => o.pipeline === "forbid");
    expect(first).toMatchObject({ kind: "started" });
    const second = (await service.tick(minutes(2))).find((o) => o.pipeline === "forbid");
    expect(second).toMatchObject({ kind: "skipped", reason: expect.stringMatching(/Forbid/) });
  });

  it("keeps forbidding while a run the previous version scheduled is active (Argo keeps its active runs across changes)", async () => {
    // v1's run from the test above is still Pending; v2 changes the schedule, not the policy.
    await stack.push(
      "forbid",
      cron("forbid", `schedules: ["* * * * *", "0 4 * * *"], concurrencyPolicy: "Forbid",`),
    );
    expect((await stack.call("GET", "/schedules/forbid")).body).toMatchObject({ version: "v2" });
    const outcome = (await service.tick(minutes(3))).find((o) => o.pipeline === "forbid");
    expect(outcome).toMatchObject({ kind: "skipped", reason: expect.stringMatching(/Forbid/) });
    expect((await stack.call("GET", "/runs?pipeline=forbid")).body.items).toHaveLength(1);
  });

  it("skips a firing missed by more than startingDeadlineSeconds, and runs one within it", async () => {
    // Daily, ten minutes from now; the ticks come half an hour after that firing.
    const fire = minutes(10);
    const daily = `schedules: ["${fire.getUTCMinutes()} ${fire.getUTCHours()} * * *"],`;
    await stack.push("missed", cron("missed", daily));
    const late = (await service.tick(minutes(40))).find((o) => o.pipeline === "missed");
    expect(late).toMatchObject({ kind: "skipped", reason: expect.stringMatching(/missed/) });
    // Decided: the next tick does not consider that firing again.
    expect((await service.tick(minutes(41))).find((o) => o.pipeline === "missed")).toMatchObject({
      kind: "idle",
    });

    await stack.push("deadline", cron("deadline", `${daily} startingDeadlineSeconds: 3600,`));
    const within = (await service.tick(minutes(40))).find((o) => o.pipeline === "deadline");
    expect(within).toMatchObject({ kind: "started" });
  });

  it("does not fire while suspended; resume, trigger", async () => {
    await stack.push("pausable", cron("pausable", `schedules: ["* * * * *"], cronSuspend: true,`));
    expect((await stack.call("GET", "/schedules/pausable")).body).toMatchObject({ suspended: true });
    expect((await service.tick(minutes(1))).find((o) => o.pipeline === "pausable")).toMatchObject({
      kind: "suspended",
    });
    const resumed = await stack.call("POST", "/schedules/pausable/resume");
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ suspended: false, nextFireTimes: [expect.any(String)] });
    const suspended = await stack.call("POST", "/schedules/pausable/suspend");
    expect(suspended.body).toMatchObject({ suspended: true });
    expect(suspended.body.nextFireTimes).toBeUndefined();

    const triggered = await stack.call("POST", "/schedules/pausable/trigger");
    expect(triggered.status).toBe(201);
    expect(triggered.body).toMatchObject({ pipeline: "pausable", version: "v1", caller: "schedule" });

    expect((await stack.call("POST", "/schedules/nope/trigger")).status).toBe(404);
  });

  it("evaluates when with {{cronworkflow.*}} substituted", async () => {
    await stack.push(
      "never",
      cron("never", `schedules: ["* * * * *"], when: "{{cronworkflow.name}} == always",`),
    );
    const outcome = (await service.tick(minutes(1))).find((o) => o.pipeline === "never");
    expect(outcome).toMatchObject({ kind: "skipped", reason: "when is false" });
  });

  it("is replaced by a new version, kept by a failed build, and refused at build when a schedule is invalid", async () => {
    await stack.push("versions", cron("versions", `schedules: ["0 1 * * *"],`));
    await stack.push(
      "versions",
      cron("versions", `schedules: ["0 2 * * *", "0 14 * * *"], timezone: "Asia/Tokyo",`),
    );
    expect((await stack.call("GET", "/schedules/versions")).body).toMatchObject({
      version: "v2",
      schedules: ["0 2 * * *", "0 14 * * *"],
      timezone: "Asia/Tokyo",
    });
    await stack.push("versions", `export default 42;\n`);
    expect((await stack.call("GET", "/schedules/versions")).body).toMatchObject({ version: "v2" });

    await stack.push("versions", cron("versions", `schedules: ["0 25 * * *"],`));
    const pipeline = await stack.call("GET", "/pipelines/versions");
    expect(pipeline.body.lastBuild).toMatchObject({ version: "v4", ok: false });
    expect(pipeline.body.lastBuild.diagnostics).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: "cron.schedule", path: "spec.schedules" })]),
    );
    expect((await stack.call("GET", "/schedules/versions")).body).toMatchObject({ version: "v2" });

    // A good version that is not a CronWorkflow removes the schedule.
    await stack.push(
      "versions",
      `import { container, workflow } from "skiff";
export default workflow({ generateName: "v-", entrypoint: container({ name: "main", image: "alpine", command: ["true"] }) });
`,
    );
    expect((await stack.call("GET", "/schedules/versions")).status).toBe(404);
  });

  it("runs a CronWorkflow pipeline by hand through POST /pipelines/{name}/runs", async () => {
    const res = await stack.call("POST", "/pipelines/every-minute/runs", { body: {} });
    expect(res.status).toBe(201);
    const [wf] = (await stack.engine.list({ labelSelector: `${LABEL_RUN_ID}=${res.body.runId}` })).items;
    expect(wf.kind).toBe("Workflow");
    expect(wf.metadata.annotations?.[ANNOTATION_SCHEDULED_TIME]).toMatch(/Z$/);
  });
});

describe("concurrencyPolicy Replace and stopStrategy", () => {
  it("Replace terminates the active scheduled run before starting the next", async () => {
    await stack.push(
      "replace",
      `import { container, cronWorkflow } from "skiff";
export default cronWorkflow({
  name: "replace",
  schedules: ["* * * * *"],
  concurrencyPolicy: "Replace",
  entrypoint: container({ name: "main", image: "alpine:3.20", command: ["sleep", "600"] }),
});
`,
    );
    const first = (await service.tick(minutes(1))).find((o) => o.pipeline === "replace");
    if (first?.kind !== "started") throw new Error(`expected a run, got ${JSON.stringify(first)}`);
    const second = (await service.tick(minutes(2))).find((o) => o.pipeline === "replace");
    expect(second).toMatchObject({ kind: "started" });
    const [wf] = (await stack.engine.list({ labelSelector: `${LABEL_RUN_ID}=${first.runId}` })).items;
    const ref = { name: wf.metadata.name ?? "", namespace: wf.metadata.namespace ?? "skiff" };
    let phase = (await stack.engine.get(ref))?.status?.phase;
    for (let i = 0; i < 300 && (phase === "Running" || phase === "Pending" || !phase); i++) {
      await new Promise((r) => setTimeout(r, 100));
      phase = (await stack.engine.get(ref))?.status?.phase;
    }
    expect(phase).toBe("Failed");
    expect((await stack.engine.get(ref))?.status?.message).toMatch(/Terminate/);
  });

  it("counts each scheduled run once, when a tick finds it finished, keeping only unfinished ones to read again", async () => {
    await stack.push(
      "counted",
      cron("counted", `schedules: ["* * * * *"], stopStrategy: { expression: "cronworkflow.failed >= 2" },`),
    );
    const schedule = async () => (await stack.call("GET", "/schedules/counted")).body;
    const firing = async (n: number) => {
      const outcome = (await service.tick(minutes(n))).find((o) => o.pipeline === "counted");
      if (outcome?.kind !== "started") throw new Error(`expected a run, got ${JSON.stringify(outcome)}`);
      return outcome.runId;
    };
    const a = await firing(1);
    expect(await schedule()).toMatchObject({ succeeded: 0, failed: 0, activeRuns: [a] });
    await stack.runs.applyStatus({ runId: a, status: "Succeeded", steps: [] });
    const b = await firing(2);
    expect(await schedule()).toMatchObject({ succeeded: 1, failed: 0, activeRuns: [b] });

    // A run started by hand from the schedule counts as its own; a terminated run counts as failed (Argo ends it Failed).
    const triggered = await stack.call("POST", "/schedules/counted/trigger");
    expect(triggered.status).toBe(201);
    expect(await schedule()).toMatchObject({ activeRuns: [b, triggered.body.runId] });
    await stack.runs.applyStatus({ runId: b, status: "Terminated", steps: [] });
    const c = await firing(3);
    expect(await schedule()).toMatchObject({
      succeeded: 1,
      failed: 1,
      activeRuns: [triggered.body.runId, c],
    });
    await stack.runs.applyStatus({ runId: triggered.body.runId, status: "Failed", steps: [] });
    expect((await service.tick(minutes(4))).find((o) => o.pipeline === "counted")).toMatchObject({
      kind: "stopped",
    });
    expect(await schedule()).toMatchObject({ succeeded: 1, failed: 2, stopped: true, activeRuns: [c] });
  });

  it("stopStrategy stops the schedule once its expression holds over the completed runs", async () => {
    await stack.push(
      "stopper",
      cron(
        "stopper",
        `schedules: ["* * * * *"], stopStrategy: { expression: "cronworkflow.succeeded >= 1" },`,
      ),
    );
    const first = (await service.tick(minutes(1))).find((o) => o.pipeline === "stopper");
    if (first?.kind !== "started") throw new Error(`expected a run, got ${JSON.stringify(first)}`);
    // What the watcher records when the run's workflow succeeds.
    await stack.runs.applyStatus({ runId: first.runId, status: "Succeeded", steps: [] });
    const next = (await service.tick(minutes(2))).find((o) => o.pipeline === "stopper");
    expect(next).toMatchObject({ kind: "stopped" });
    expect((await stack.call("GET", "/schedules/stopper")).body).toMatchObject({
      stopped: true,
      succeeded: 1,
    });
    expect((await service.tick(minutes(3))).find((o) => o.pipeline === "stopper")).toMatchObject({
      kind: "stopped",
    });
  });
});

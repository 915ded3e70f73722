import {
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DynamoCompletionOutbox } from "../../../../lib/adapters/dynamodb/completion-outbox";
import { DynamoRunStore } from "../../../../lib/adapters/dynamodb/run-store";
import type { RunRecord, StepRecord } from "../../../../lib/ports/run-store";
import { InvalidCursorError, InvalidRunInputError, RunNotFoundError } from "../../../../lib/runs/errors";
import { type DynamoFixture, startDynamo } from "./dynamo-local";

let dynamo: DynamoFixture;
let store: DynamoRunStore;
let outbox: DynamoCompletionOutbox;

beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});
beforeEach(async () => {
  const tableName = await dynamo.newTable();
  store = new DynamoRunStore({ tableName, client: dynamo.client });
  outbox = new DynamoCompletionOutbox({ tableName, client: dynamo.client });
});

let seq = 0;
const run = (over: Partial<RunRecord> = {}): RunRecord => {
  seq++;
  return {
    runId: `run-${String(seq).padStart(4, "0")}`,
    pipeline: "etl",
    version: "v1",
    status: "Pending",
    parameters: { date: "2026-01-01" },
    engine: { kind: "local", namespace: "default" },
    createdAt: `2026-01-01T00:00:${String(seq % 60).padStart(2, "0")}.${String(seq).padStart(3, "0")}Z`,
    ...over,
  };
};

const step = (runId: string, id: string, phase: string, over: Partial<StepRecord> = {}): StepRecord => ({
  runId,
  stepId: id,
  name: `wf.${id}`,
  displayName: id,
  type: "Pod",
  templateName: "extract",
  phase,
  startedAt: "2026-01-01T00:00:01Z",
  ...over,
});

describe("runs", () => {
  it("creates and reads a run", async () => {
    const r = run();
    expect(await store.createRun(r)).toEqual({ run: r, created: true });
    expect(await store.getRun(r.runId)).toEqual(r);
    expect(await store.getRun("nope")).toBeUndefined();
  });

  it("100 concurrent creations with one idempotency key make one run", async () => {
    const attempts = Array.from({ length: 100 }, () => run({ idempotencyKey: "key-1" }));
    const results = await Promise.all(attempts.map((r) => store.createRun(r)));
    const created = results.filter((r) => r.created);
    expect(created).toHaveLength(1);
    const winner = created[0].run.runId;
    expect(new Set(results.map((r) => r.run.runId))).toEqual(new Set([winner]));
    const all = await store.queryRuns({ pipeline: "etl", limit: 1000 });
    expect(all.items.map((r) => r.runId)).toEqual([winner]);
  });

  it("queries runs newest first by pipeline, status, parameter value and none, with cursors", async () => {
    const runs = [
      run({ parameters: { date: "d1", region: "eu" } }),
      run({ parameters: { date: "d2", region: "eu" } }),
      run({ pipeline: "other", parameters: { date: "d1" } }),
      run({ parameters: { date: "d1", region: "us" } }),
    ];
    for (const r of runs) await store.createRun(r);
    await store.applyStatus({ runId: runs[1].runId, status: "Running", steps: [] });

    const ids = (page: { items: RunRecord[] }) => page.items.map((r) => r.runId);
    expect(ids(await store.queryRuns({ pipeline: "etl" }))).toEqual(
      [runs[3], runs[1], runs[0]].map((r) => r.runId),
    );
    expect(ids(await store.queryRuns({ status: "Running" }))).toEqual([runs[1].runId]);
    expect(ids(await store.queryRuns({ pipeline: "etl", status: "Pending" }))).toEqual([
      runs[3].runId,
      runs[0].runId,
    ]);
    expect(ids(await store.queryRuns({ param: { name: "date", value: "d1" } }))).toEqual(
      [runs[3], runs[2], runs[0]].map((r) => r.runId),
    );
    expect(ids(await store.queryRuns({ param: { name: "date", value: "d1" }, pipeline: "etl" }))).toEqual(
      [runs[3], runs[0]].map((r) => r.runId),
    );
    expect(ids(await store.queryRuns({ param: { name: "region", value: "eu" }, status: "Running" }))).toEqual(
      [runs[1].runId],
    );
    expect(ids(await store.queryRuns({}))).toEqual([...runs].reverse().map((r) => r.runId));

    const first = await store.queryRuns({ limit: 3 });
    expect(first.cursor).toEqual(expect.any(String));
    const rest = await store.queryRuns({ limit: 3, cursor: first.cursor });
    expect([...ids(first), ...ids(rest)]).toEqual([...runs].reverse().map((r) => r.runId));
    expect(rest.cursor).toBeUndefined();
  });

  it("finds runs by a long parameter value (indexed by hash)", async () => {
    const long = "x".repeat(2000);
    const r = run({ parameters: { blob: long } });
    await store.createRun(r);
    await store.createRun(run({ parameters: { blob: `${long}y` } }));
    const found = await store.queryRuns({ param: { name: "blob", value: long } });
    expect(found.items.map((x) => x.runId)).toEqual([r.runId]);
  });

  it("rejects a forged cursor and a bad limit with clear errors", async () => {
    await expect(store.queryRuns({ cursor: "not-a-cursor" })).rejects.toThrow(InvalidCursorError);
    await expect(store.queryRuns({ limit: 0 })).rejects.toThrow(InvalidRunInputError);
    await expect(store.queryRuns({ limit: 0 })).rejects.toThrow(/limit/);
  });
});

describe("applyStatus", () => {
  it("writes status and steps monotonically: older snapshots and anything after terminal are dropped", async () => {
    const r = run();
    await store.createRun(r);
    const running = await store.applyStatus({
      runId: r.runId,
      status: "Running",
      startedAt: "2026-01-01T00:00:01Z",
      steps: [step(r.runId, "a", "Running")],
    });
    expect(running).toMatchObject({ applied: true, becameTerminal: false, previousStatus: "Pending" });
    // Steps are recorded with the terminal status (live ones come from the engine); progress alone is no write.
    expect(await store.listSteps(r.runId)).toEqual([]);
    const progressed = await store.applyStatus({
      runId: r.runId,
      status: "Running",
      startedAt: "2026-01-01T00:00:01Z",
      steps: [step(r.runId, "a", "Succeeded"), step(r.runId, "b", "Running")],
    });
    expect(progressed.applied).toBe(false);

    const done = await store.applyStatus({
      runId: r.runId,
      status: "Succeeded",
      finishedAt: "2026-01-01T00:00:09Z",
      outputs: { rows: "42" },
      steps: [step(r.runId, "a", "Succeeded"), step(r.runId, "b", "Succeeded")],
    });
    expect(done).toMatchObject({ applied: true, becameTerminal: true, previousStatus: "Running" });

    // A late, older snapshot and a duplicate terminal one change nothing.
    const late = await store.applyStatus({
      runId: r.runId,
      status: "Running",
      steps: [step(r.runId, "a", "Running")],
    });
    expect(late).toMatchObject({ applied: false, becameTerminal: false, run: { status: "Succeeded" } });
    const again = await store.applyStatus({
      runId: r.runId,
      status: "Failed",
      steps: [step(r.runId, "a", "Failed"), step(r.runId, "b", "Failed"), step(r.runId, "c", "Failed")],
    });
    expect(again.applied).toBe(false);

    const stored = await store.getRun(r.runId);
    expect(stored).toMatchObject({
      status: "Succeeded",
      startedAt: "2026-01-01T00:00:01Z",
      finishedAt: "2026-01-01T00:00:09Z",
      outputs: { rows: "42" },
    });
    const steps = await store.listSteps(r.runId);
    expect(steps.map((s) => [s.stepId, s.phase])).toEqual([
      ["a", "Succeeded"],
      ["b", "Succeeded"],
    ]);
  });

  it("answers from the run it remembers: nothing to keep costs no request, a stale memory is read afresh", async () => {
    const table = await dynamo.newTable();
    // The store under test talks only through a client of its own whose requests are listed.
    const { client: counted, requests } = dynamo.countingClient();
    const watcherStore = new DynamoRunStore({ tableName: table, client: counted });
    const other = new DynamoRunStore({ tableName: table, client: dynamo.client });
    try {
      const r = run();
      await other.createRun(r);
      const running = { runId: r.runId, status: "Running" as const, startedAt: "2026-01-01T00:00:01Z" };
      expect((await watcherStore.applyStatus({ ...running, steps: [] })).applied).toBe(true);
      expect(requests).toEqual(["GetItemCommand", "PutItemCommand"]);

      // Progress of steps and duplicates: decided from memory, no request at all.
      requests.length = 0;
      for (const phase of ["Running", "Succeeded", "Succeeded"])
        expect(
          (await watcherStore.applyStatus({ ...running, steps: [step(r.runId, "a", phase)] })).applied,
        ).toBe(false);
      expect(requests).toEqual([]);

      // Another writer finishes the run: the remembered revision is stale, so this terminal write loses its
      // condition, reads afresh and finds nothing to do. Exactly one writer made the transition.
      expect((await other.applyStatus({ runId: r.runId, status: "Failed", steps: [] })).becameTerminal).toBe(
        true,
      );
      requests.length = 0;
      const late = await watcherStore.applyStatus({ runId: r.runId, status: "Succeeded", steps: [] });
      expect(late).toMatchObject({ applied: false, becameTerminal: false, run: { status: "Failed" } });
      expect(requests).toEqual(["TransactWriteItemsCommand", "GetItemCommand"]);
      expect((await other.getRun(r.runId))?.status).toBe("Failed");
    } finally {
      counted.destroy();
    }
  });

  it("forgets a run remembered as finished that the table lists as active: its final status is recorded again", async () => {
    const table = await dynamo.newTable();
    const store = new DynamoRunStore({ tableName: table, client: dynamo.client });
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: table }));
    const keyOf = (item: NonNullable<Awaited<ReturnType<typeof scan>>>[number]) =>
      Object.fromEntries(
        (Table?.KeySchema ?? []).map(({ AttributeName }) => [AttributeName, item[AttributeName!]]),
      );
    const scan = async () => (await dynamo.client.send(new ScanCommand({ TableName: table }))).Items ?? [];
    const r = run();
    await store.createRun(r);
    const running = { runId: r.runId, status: "Running" as const, startedAt: "2026-01-01T00:00:01Z" };
    await store.applyStatus({ ...running, steps: [] });
    const before = await scan();
    const final = { ...running, status: "Succeeded" as const, steps: [step(r.runId, "a", "Succeeded")] };
    expect((await store.applyStatus(final)).becameTerminal).toBe(true);
    // The table loses the acknowledged terminal write (DynamoDB Local killed with SIGKILL can): back to Running.
    for (const item of await scan())
      await dynamo.client.send(new DeleteItemCommand({ TableName: table, Key: keyOf(item) }));
    for (const item of before) await dynamo.client.send(new PutItemCommand({ TableName: table, Item: item }));
    expect(
      (await new DynamoRunStore({ tableName: table, client: dynamo.client }).getRun(r.runId))?.status,
    ).toBe("Running");

    // Remembered as finished, the run's snapshots are skipped; the sweep lists it as active, which corrects the
    // memory, and its snapshot of the finished workflow is recorded again, with its completion.
    expect((await store.applyStatus(final)).applied).toBe(false);
    expect((await store.listActiveRuns()).items.map((x) => x.runId)).toContain(r.runId);
    const again = await store.applyStatus(final);
    expect(again).toMatchObject({ applied: true, becameTerminal: true, run: { status: "Succeeded" } });
    expect((await store.getRun(r.runId))?.status).toBe("Succeeded");
  });

  it("lets exactly one of many concurrent terminal writers make the transition", async () => {
    const r = run();
    await store.createRun(r);
    const results = await Promise.all(
      (["Succeeded", "Failed", "Error", "Succeeded", "Terminated", "Stopped"] as const).map((status) =>
        store.applyStatus({ runId: r.runId, status, steps: [step(r.runId, "a", "Succeeded")] }),
      ),
    );
    expect(results.filter((x) => x.becameTerminal)).toHaveLength(1);
    const winner = results.find((x) => x.becameTerminal)?.run.status;
    expect((await store.getRun(r.runId))?.status).toBe(winner);
  });

  it("writes a run with 260 steps completely, and finds steps by template and phase across runs", async () => {
    const a = run();
    const b = run();
    await store.createRun(a);
    await store.createRun(b);
    const many = Array.from({ length: 260 }, (_, i) =>
      step(a.runId, `n${String(i).padStart(3, "0")}`, i % 10 === 0 ? "Failed" : "Succeeded", {
        templateName: i % 2 ? "load" : "extract",
      }),
    );
    await store.applyStatus({ runId: a.runId, status: "Failed", steps: many });
    await store.applyStatus({ runId: b.runId, status: "Error", steps: [step(b.runId, "x", "Failed")] });
    expect(await store.listSteps(a.runId)).toHaveLength(260);

    const failedExtract = await store.queryStepsByTemplate("extract", { phase: "Failed", limit: 1000 });
    expect(failedExtract.items).toHaveLength(27);
    expect(new Set(failedExtract.items.map((s) => s.runId))).toEqual(new Set([a.runId, b.runId]));
    const page1 = await store.queryStepsByTemplate("load", { limit: 100 });
    const page2 = await store.queryStepsByTemplate("load", { limit: 100, cursor: page1.cursor });
    expect(page1.items.length + page2.items.length).toBe(130);
  });

  it("records a terminal transition in the completion outbox until it is marked published", async () => {
    const r = run();
    await store.createRun(r);
    await store.applyStatus({ runId: r.runId, status: "Running", steps: [] });
    expect((await outbox.listPendingCompletions()).items).toEqual([]);
    await store.applyStatus({ runId: r.runId, status: "Failed", steps: [step(r.runId, "a", "Failed")] });
    const pending = await outbox.listPendingCompletions();
    expect(pending.items).toEqual([
      { run: expect.objectContaining({ runId: r.runId, status: "Failed" }), since: expect.any(String) },
    ]);
    await outbox.markCompletionPublished(r.runId);
    expect((await outbox.listPendingCompletions()).items).toEqual([]);
  });

  it("reopens a terminal run for a retry and refuses late snapshots of the earlier attempt", async () => {
    const r = run();
    await store.createRun(r);
    const failedAttempt = {
      runId: r.runId,
      status: "Failed" as const,
      startedAt: "2026-01-01T00:00:01Z",
      finishedAt: "2026-01-01T00:00:05Z",
      failedSteps: [{ stepId: "b", name: "b", exitCode: 1 }],
      steps: [step(r.runId, "a", "Succeeded"), step(r.runId, "b", "Failed")],
    };
    await store.applyStatus(failedAttempt);
    const reopened = await store.reopenRun(r.runId, { startedAt: "2026-01-01T00:10:00Z" });
    expect(reopened).toMatchObject({ status: "Running", startedAt: "2026-01-01T00:10:00Z" });
    expect(reopened.finishedAt).toBeUndefined();
    expect(reopened.failedSteps).toBeUndefined();

    // A late read of the first attempt's end is refused; the retry's own progress is applied.
    expect((await store.applyStatus(failedAttempt)).applied).toBe(false);
    const retried = await store.applyStatus({
      runId: r.runId,
      status: "Succeeded",
      startedAt: "2026-01-01T00:10:00Z",
      finishedAt: "2026-01-01T00:10:07Z",
      steps: [step(r.runId, "a", "Succeeded"), step(r.runId, "b", "Succeeded")],
    });
    expect(retried).toMatchObject({ applied: true, becameTerminal: true, previousStatus: "Running" });
    const stored = await store.getRun(r.runId);
    expect(stored).toMatchObject({ status: "Succeeded", finishedAt: "2026-01-01T00:10:07Z" });
    expect(stored).not.toHaveProperty("attempt");
    expect((await store.listSteps(r.runId)).map((s) => s.phase)).toEqual(["Succeeded", "Succeeded"]);
    // Reopening a run that is not terminal changes nothing.
    const other = run();
    await store.createRun(other);
    expect((await store.reopenRun(other.runId)).status).toBe("Pending");
  });

  it("records the workflow's identity from the submit's answer even when the status did not move", async () => {
    const r = run();
    await store.createRun(r);
    const engine = { kind: "local" as const, namespace: "default", workflowName: "etl-abc", uid: "u-1" };
    const named = await store.applyStatus({ runId: r.runId, status: "Pending", engine, steps: [] });
    expect(named).toMatchObject({ applied: true, becameTerminal: false, previousStatus: "Pending" });
    expect((await store.getRun(r.runId))?.engine).toEqual(engine);
    // Saying it again is a duplicate.
    expect((await store.applyStatus({ runId: r.runId, status: "Pending", engine, steps: [] })).applied).toBe(
      false,
    );
  });

  it("fails clearly for an unknown run", async () => {
    await expect(store.applyStatus({ runId: "missing", status: "Running", steps: [] })).rejects.toThrow(
      RunNotFoundError,
    );
  });

  it("lists active runs across Pending and Running with cursors", async () => {
    const runs = Array.from({ length: 5 }, () => run());
    for (const r of runs) await store.createRun(r);
    await store.applyStatus({ runId: runs[0].runId, status: "Running", steps: [] });
    await store.applyStatus({ runId: runs[1].runId, status: "Running", steps: [] });
    await store.applyStatus({ runId: runs[2].runId, status: "Succeeded", steps: [] });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listActiveRuns({ limit: 2, cursor });
      seen.push(...page.items.map((r) => r.runId));
      cursor = page.cursor;
    } while (cursor);
    expect(seen.sort()).toEqual([runs[0], runs[1], runs[3], runs[4]].map((r) => r.runId).sort());
  });
});

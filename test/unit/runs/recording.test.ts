import { describe, expect, it } from "vitest";
import type { RunRecord, StatusUpdate } from "../../../lib/ports/run-store";
import { recordingOf } from "../../../lib/runs/recording";

const run = (over: Partial<RunRecord> = {}): RunRecord => ({
  runId: "r1",
  pipeline: "etl",
  version: "v1",
  status: "Pending",
  parameters: {},
  engine: { kind: "local", namespace: "default" },
  createdAt: "2026-01-01T00:00:00Z",
  ...over,
});
const update = (over: Partial<StatusUpdate> = {}): StatusUpdate => ({
  runId: "r1",
  status: "Running",
  steps: [],
  ...over,
});
const step = (phase: string) => ({
  runId: "r1",
  stepId: "s",
  name: "s",
  displayName: "s",
  type: "Pod",
  phase,
});

describe("recordingOf", () => {
  it("writes the run item alone when the run moves up a status", () => {
    expect(recordingOf({ run: run() }, update({ steps: [step("Running")] }))).toBe("run");
  });

  it("skips progress of steps alone, duplicates and snapshots older than the stored status", () => {
    const running = run({ status: "Running", startedAt: "2026-01-01T00:00:01Z" });
    expect(
      recordingOf({ run: running }, update({ startedAt: running.startedAt, steps: [step("Succeeded")] })),
    ).toBe("skip");
    expect(recordingOf({ run: running }, update({ status: "Pending" }))).toBe("skip");
  });

  it("records the terminal status with its steps once, and nothing after it", () => {
    const running = run({ status: "Running" });
    expect(recordingOf({ run: running }, update({ status: "Failed" }))).toBe("final");
    expect(recordingOf({ run: run({ status: "Failed" }) }, update({ status: "Succeeded" }))).toBe("skip");
    expect(recordingOf({ run: run({ status: "Succeeded" }) }, update({ status: "Running" }))).toBe("skip");
  });

  it("writes what the run learns without moving: its workflow's identity and its start time", () => {
    const running = run({ status: "Running" });
    const identified = update({
      engine: { kind: "local", namespace: "default", workflowName: "etl-x", uid: "u" },
    });
    expect(recordingOf({ run: running }, identified)).toBe("run");
    expect(recordingOf({ run: running }, update({ startedAt: "2026-01-01T00:00:01Z" }))).toBe("run");
    const known = run({
      status: "Running",
      engine: { kind: "local", namespace: "default", workflowName: "etl-x", uid: "u" },
    });
    expect(recordingOf({ run: known }, identified)).toBe("skip");
  });

  it("refuses snapshots of an attempt from before the run was reopened", () => {
    const reopened = { run: run({ status: "Running" }), attemptStartedAt: "2026-01-01T00:10:00Z" };
    expect(recordingOf(reopened, update({ status: "Failed", startedAt: "2026-01-01T00:00:01Z" }))).toBe(
      "skip",
    );
    expect(recordingOf(reopened, update({ status: "Succeeded", startedAt: "2026-01-01T00:10:00Z" }))).toBe(
      "final",
    );
  });
});

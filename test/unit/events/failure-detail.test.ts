import { describe, expect, it } from "vitest";
import { runCompletedDetailSchema } from "../../../lib/events/contracts";
import {
  byteLength,
  FAILURE_BOUNDS,
  stderrTailOf,
  truncateEnd,
  truncateStart,
} from "../../../lib/events/failure-detail";
import { runCompletedEvent } from "../../../lib/events/run-events";
import type { LogLine } from "../../../lib/ports/engine";
import type { RunRecord } from "../../../lib/ports/run-store";

const line = (text: string, stream: LogLine["stream"] = "stderr"): LogLine => ({
  nodeId: "n",
  time: "2026-01-01T00:00:00Z",
  stream,
  text,
});

const failedRun = (failedSteps: RunRecord["failedSteps"]): RunRecord => ({
  runId: "r1",
  pipeline: "p",
  version: "v1",
  status: "Failed",
  parameters: {},
  failedSteps,
  engine: { kind: "local", namespace: "skiff" },
  createdAt: "2026-01-01T00:00:00Z",
  finishedAt: "2026-01-01T00:01:00Z",
});

describe("failure detail bounds", () => {
  it("keeps the last lines of stderr, ignoring stdout when stderr was kept apart", () => {
    const lines = [
      line("out 1", "stdout"),
      ...Array.from({ length: 30 }, (_, i) => line(`frame ${i}`)),
      line("out 2", "stdout"),
      line("ValueError: bad"),
      line(""),
    ];
    const tail = stderrTailOf(lines) ?? "";
    const kept = tail.split("\n");
    expect(kept).toHaveLength(FAILURE_BOUNDS.tailLines);
    expect(kept.at(-1)).toBe("ValueError: bad");
    expect(kept[0]).toBe("frame 11");
    expect(tail).not.toContain("out ");
  });

  it("takes the merged log's tail when no line is marked stderr (a Kubernetes pod log)", () => {
    expect(stderrTailOf([line("a", "stdout"), line("Error: boom", "stdout")])).toBe("a\nError: boom");
    expect(stderrTailOf([])).toBeUndefined();
  });

  it("cuts a long tail at its start and a long message at its end, within the byte bounds", () => {
    const long = Array.from({ length: 10 }, () => line(`${"é".repeat(400)}`));
    long.push(line("RuntimeError: the end"));
    const tail = stderrTailOf(long) ?? "";
    expect(byteLength(tail)).toBeLessThanOrEqual(FAILURE_BOUNDS.tailBytes);
    expect(tail.startsWith("…")).toBe(true);
    expect(tail.endsWith("RuntimeError: the end")).toBe(true);
    const message = truncateEnd("x".repeat(5000), FAILURE_BOUNDS.messageBytes);
    expect(byteLength(message)).toBeLessThanOrEqual(FAILURE_BOUNDS.messageBytes);
    expect(message.endsWith("…")).toBe(true);
    expect(truncateStart("short", 10)).toBe("short");
  });

  it("lists at most the bounded number of failed steps in the completion event, with the total", () => {
    const steps = Array.from({ length: 500 }, (_, i) => ({ stepId: `s${i}`, name: `s${i}`, exitCode: 1 }));
    const { detail } = runCompletedEvent(failedRun(steps));
    const parsed = runCompletedDetailSchema.parse(detail);
    expect(parsed.failedSteps).toHaveLength(FAILURE_BOUNDS.stepsInEvent);
    expect(parsed.failedStepCount).toBe(500);
    expect(runCompletedEvent(failedRun(steps.slice(0, 2))).detail).not.toHaveProperty("failedStepCount");
  });

  it("drops the stderr tails when the event would exceed its byte bound", () => {
    const big = "y".repeat(FAILURE_BOUNDS.tailBytes);
    const steps = Array.from({ length: 20 }, (_, i) => ({
      stepId: `s${i}`,
      name: `s${i}`,
      message: "m".repeat(FAILURE_BOUNDS.messageBytes),
      stderrTail: big,
    }));
    const run = { ...failedRun(steps), outputs: { blob: "z".repeat(150 * 1024) } };
    const { detail } = runCompletedEvent(run);
    expect(byteLength(JSON.stringify(detail))).toBeLessThanOrEqual(FAILURE_BOUNDS.eventDetailBytes);
    expect(
      (detail as { failedSteps: Array<{ stderrTail?: string }> }).failedSteps[0].stderrTail,
    ).toBeUndefined();
    const small = runCompletedEvent(failedRun(steps.slice(0, 3))).detail as {
      failedSteps: Array<{ stderrTail?: string }>;
    };
    expect(small.failedSteps[0].stderrTail).toBe(big);
  });
});

import { describe, expect, it } from "vitest";
import { formatRun } from "../../../lib/client/format";
import type { RunRecord, StepRecord } from "../../../lib/ports/run-store";

const traceback =
  'Traceback (most recent call last):\n  File "main.py", line 3\nZeroDivisionError: division by zero';

const run: RunRecord = {
  runId: "r1",
  pipeline: "etl",
  version: "v2",
  status: "Failed",
  parameters: {},
  failedSteps: [
    {
      stepId: "n2",
      name: "divide",
      exitCode: 1,
      message: "main: Error (exit code 1)",
      stderrTail: traceback,
    },
  ],
  engine: { kind: "local", namespace: "skiff" },
  createdAt: "2026-01-01T00:00:00Z",
};

const step = (stepId: string, extra: Partial<StepRecord>): StepRecord => ({
  runId: "r1",
  stepId,
  name: stepId,
  displayName: stepId,
  type: "Pod",
  phase: "Succeeded",
  ...extra,
});

describe("skiff get's view of a failed run", () => {
  it("shows the failed step's stderr tail under that step in the tree", () => {
    const text = formatRun({
      ...run,
      steps: [
        step("root", { type: "Steps", phase: "Failed", children: ["n1", "n2"] }),
        step("n1", { displayName: "load" }),
        step("n2", { displayName: "divide", phase: "Failed", stderrTail: traceback }),
      ],
    });
    const lines = text.split("\n");
    const at = lines.findIndex((l) => l.includes("✖ divide"));
    expect(lines.slice(at + 1, at + 4)).toEqual([
      "    │ Traceback (most recent call last):",
      '    │   File "main.py", line 3',
      "    │ ZeroDivisionError: division by zero",
    ]);
    expect(text.match(/ZeroDivisionError/g)).toHaveLength(1);
  });

  it("shows it under the Failed line when the steps are not listed", () => {
    const text = formatRun(run);
    expect(text).toContain("Failed:     divide (exit 1): main: Error (exit code 1)\n");
    expect(text).toContain("│ ZeroDivisionError: division by zero");
  });
});

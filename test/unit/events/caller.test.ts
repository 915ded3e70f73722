import { describe, expect, it } from "vitest";
import { runCompletedEventSchema, runStatusChangeEventSchema } from "../../../lib/events/contracts";
import { eventJsonSchemas } from "../../../lib/events/json-schema";
import { runCompletedEvent, runStatusChangeEvent } from "../../../lib/events/run-events";
import type { RunRecord } from "../../../lib/ports/run-store";

const run: RunRecord = {
  runId: "01j0000000000000000000000a",
  pipeline: "etl",
  version: "v3",
  status: "Running",
  parameters: { rows: "5" },
  engine: { kind: "local", namespace: "skiff" },
  createdAt: "2026-01-01T00:00:00.000Z",
  startedAt: "2026-01-01T00:00:01.000Z",
  caller: "arn:aws:sts::123456789012:assumed-role/ci/build-42",
};

describe("the caller in run events", () => {
  it("is carried from the run record into Status Change and Completed", () => {
    expect(runStatusChangeEvent(run, "Pending").detail).toMatchObject({ caller: run.caller });
    const done = { ...run, status: "Succeeded" as const, finishedAt: "2026-01-01T00:00:03.000Z" };
    expect(runCompletedEvent(done).detail).toMatchObject({ caller: run.caller, status: "Succeeded" });
  });

  it("is absent for a run recorded without one, and part of the published JSON Schemas", () => {
    const { caller: _caller, ...older } = run;
    // As published (JSON): no caller field at all.
    expect(JSON.parse(JSON.stringify(runStatusChangeEvent(older).detail))).not.toHaveProperty("caller");
    const schemas = eventJsonSchemas();
    for (const name of ["pipeline-run-status-change", "pipeline-run-completed"] as const) {
      const detail = (schemas[name].properties as Record<string, { properties: Record<string, unknown> }>)
        .detail;
      expect(detail.properties.caller).toMatchObject({ type: "string" });
    }
    // A subscriber's contract check accepts the field and nothing else in its place.
    const envelope = {
      version: "0",
      id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
      "detail-type": "Pipeline Run Status Change",
      source: "skiff",
      account: "123456789012",
      time: "2026-01-01T00:00:01Z",
      region: "us-east-1",
      resources: [],
      detail: runStatusChangeEvent(run).detail,
    };
    expect(runStatusChangeEventSchema.parse(envelope).detail.caller).toBe(run.caller);
    expect(() =>
      runCompletedEventSchema.shape.detail.parse({
        ...runCompletedEvent({ ...run, status: "Failed" }).detail,
        caller: 7,
      }),
    ).toThrow();
  });
});

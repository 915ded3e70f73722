import { readFileSync } from "node:fs";
import { APIGatewayProxyEventV2Schema } from "@aws-lambda-powertools/parser/schemas/api-gatewayv2";
import { S3Schema } from "@aws-lambda-powertools/parser/schemas/s3";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import {
  buildFailedEventSchema,
  buildSucceededEventSchema,
  EVENT_SCHEMAS,
  runCompletedEventSchema,
  runStatusChangeEventSchema,
  scheduledEventSchema,
  watcherEventSchema,
  workflowStatusChangeEventSchema,
} from "../../../lib/events/contracts";
import { eventJsonSchemas, schemaFileText } from "../../../lib/events/json-schema";
import { buildFailedEvent, runCompletedEvent, runStatusChangeEvent } from "../../../lib/events/run-events";
import type { RunRecord } from "../../../lib/ports/run-store";

const events = new URL("../../../events/", import.meta.url);
const sample = (name: string): unknown => JSON.parse(readFileSync(new URL(name, events), "utf8"));

describe("sample events", () => {
  it.each([
    ["workflow-status.json", workflowStatusChangeEventSchema],
    ["scheduled.json", scheduledEventSchema],
    ["run-completed.json", runCompletedEventSchema],
    ["run-status-change.json", runStatusChangeEventSchema],
    ["build-succeeded.json", buildSucceededEventSchema],
    ["build-failed.json", buildFailedEventSchema],
  ] as const)("%s satisfies its contract", (file, schema) => {
    expect(schema.safeParse(sample(file)).success).toBe(true);
  });

  it("the watcher accepts both of its triggers and nothing else", () => {
    expect(watcherEventSchema.safeParse(sample("workflow-status.json")).success).toBe(true);
    expect(watcherEventSchema.safeParse(sample("scheduled.json")).success).toBe(true);
    expect(watcherEventSchema.safeParse(sample("run-completed.json")).success).toBe(false);
  });

  it("s3-put.json and run-request.json are what Powertools' parser accepts for S3 and HTTP API v2", () => {
    expect(S3Schema.parse(sample("s3-put.json")).Records[0].s3.object.key).toBe("pipelines/my+etl%40v2.ts");
    const request = APIGatewayProxyEventV2Schema.parse(sample("run-request.json"));
    expect(request.headers?.["idempotency-key"]).toBeDefined();
    expect(JSON.parse(request.body ?? "")).toMatchObject({ parameters: { date: "2026-01-01" } });
  });
});

describe("generated JSON Schemas", () => {
  it("events/schemas/*.json are current (run `node scripts/gen-event-schemas.mjs` after changing contracts)", () => {
    for (const [name, schema] of Object.entries(eventJsonSchemas())) {
      const committed = readFileSync(new URL(`schemas/${name}.json`, events), "utf8");
      expect(JSON.parse(committed), name).toEqual(JSON.parse(schemaFileText(schema)));
    }
    expect(Object.keys(eventJsonSchemas()).sort()).toEqual(Object.keys(EVENT_SCHEMAS).sort());
  });

  it("validate the samples the way a subscriber would (ajv), and reject a broken one", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const check = (name: string, event: unknown) =>
      ajv.validate(JSON.parse(readFileSync(new URL(`schemas/${name}.json`, events), "utf8")), event);
    expect(check("pipeline-run-completed", sample("run-completed.json"))).toBe(true);
    expect(check("pipeline-run-status-change", sample("run-status-change.json"))).toBe(true);
    expect(check("pipeline-build-succeeded", sample("build-succeeded.json"))).toBe(true);
    expect(check("pipeline-build-failed", sample("build-failed.json"))).toBe(true);
    expect(check("workflow-status-change", sample("workflow-status.json"))).toBe(true);
    const broken = sample("run-completed.json") as { detail: Record<string, unknown> };
    broken.detail.status = "Running";
    expect(check("pipeline-run-completed", broken)).toBe(false);
  });
});

describe("event builders", () => {
  const run: RunRecord = {
    runId: "r1",
    pipeline: "etl",
    version: "v2",
    status: "Failed",
    parameters: { date: "d" },
    failedSteps: [{ stepId: "n1", name: "load", message: "main: Error (exit code 1)", exitCode: 1 }],
    engine: { kind: "local", namespace: "default", workflowName: "etl-abc", uid: "u" },
    createdAt: "2026-01-01T00:00:00Z",
    startedAt: "2026-01-01T00:00:01Z",
    finishedAt: "2026-01-01T00:00:04.500Z",
  };

  it("builds Pipeline Run Completed with duration, empty outputs and the failed steps", () => {
    const event = runCompletedEvent(run);
    expect(event).toMatchObject({ source: "skiff", detailType: "Pipeline Run Completed" });
    expect(event.detail).toMatchObject({
      durationMs: 3500,
      outputs: {},
      failedSteps: run.failedSteps,
      status: "Failed",
    });
    // A run that never started counts from its creation.
    expect(runCompletedEvent({ ...run, startedAt: undefined }).detail).toMatchObject({
      startedAt: "2026-01-01T00:00:00Z",
      durationMs: 4500,
    });
  });

  it("refuses to build events that break their contract", () => {
    expect(() => runCompletedEvent({ ...run, status: "Running" })).toThrow(/status/);
    expect(runStatusChangeEvent({ ...run, status: "Running" }, "Pending").detail).toMatchObject({
      status: "Running",
      previousStatus: "Pending",
    });
    expect(() =>
      buildFailedEvent({ pipeline: "p", contentHash: "h", sourceKey: "k", diagnostics: [], createdAt: "x" }),
    ).toThrow();
  });
});

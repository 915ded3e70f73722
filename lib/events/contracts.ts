import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import { z } from "zod";

/**
 * Event contracts (zod 4). Skiff's own events have `source: "skiff"`; the engine's status-change trigger has
 * `source: "skiff.engine"`. `events/schemas/*.json` is generated from these (scripts/gen-event-schemas.mjs)
 * for subscribers; the TS types below are inferred from the same schemas.
 */
export const SKIFF_SOURCE = "skiff";
export const ENGINE_SOURCE = "skiff.engine";

export const DETAIL_TYPES = {
  buildSucceeded: "Pipeline Build Succeeded",
  buildFailed: "Pipeline Build Failed",
  runStatusChange: "Pipeline Run Status Change",
  runCompleted: "Pipeline Run Completed",
  workflowStatusChange: "Workflow Status Change",
  scheduled: "Scheduled Event",
} as const;

const isoTime = z.iso.datetime({ offset: true });
const stringMap = z.record(z.string(), z.string());
const callerSchema = z
  .string()
  .optional()
  .describe(
    "Who created the run: the caller's IAM principal (ARN), `local` on the embedded stack; absent for runs recorded without one",
  );

export const runStatusSchema = z
  .enum(["Pending", "Running", "Succeeded", "Failed", "Error", "Stopped", "Terminated"])
  .describe("Run status; the last five are terminal");
export const terminalRunStatusSchema = z.enum(["Succeeded", "Failed", "Error", "Stopped", "Terminated"]);

export const engineInfoSchema = z
  .object({
    kind: z.enum(["local", "argo"]),
    namespace: z.string(),
    workflowName: z
      .string()
      .optional()
      .describe("The engine workflow's name; absent if it was never created"),
    uid: z.string().optional(),
  })
  .describe("Where the run executes");

export const failedStepSchema = z.object({
  stepId: z.string().describe("Argo node id"),
  name: z.string().describe("The step's display name"),
  message: z.string().optional().describe("Argo's message for the step, at most 1 KB"),
  exitCode: z.number().int().optional(),
  stderrTail: z
    .string()
    .optional()
    .describe(
      "The last lines of the step's stderr (its whole log on Argo), at most 20 lines and 2 KB; only for the first 5 failed steps, and dropped when the event would exceed 200 KB",
    ),
});

export const diagnosticSchema = z.object({
  severity: z.enum(["error", "warning"]),
  code: z.string(),
  message: z.string(),
  path: z.string().optional(),
  file: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});

const declaredParameterSchema = z.object({
  name: z.string(),
  default: z.string().optional(),
  enum: z.array(z.string()).optional(),
  description: z.string().optional(),
});

export const buildSucceededDetailSchema = z
  .object({
    pipeline: z.string(),
    version: z.string().describe("`v1`, `v2`, …"),
    contentHash: z.string(),
    sourceSize: z.number().int().nonnegative(),
    specKey: z.string().describe("S3 key of the compiled spec"),
    parameters: z.array(declaredParameterSchema),
    templateCount: z.number().int().nonnegative(),
    diagnostics: z.array(diagnosticSchema).describe("Warnings (a successful build has no errors)"),
    createdAt: isoTime,
  })
  .describe("A pipeline source compiled and its spec was stored");

export const buildFailedDetailSchema = z
  .object({
    pipeline: z.string(),
    version: z.string().optional().describe("The version recorded for the failed build, if any"),
    contentHash: z.string(),
    sourceKey: z.string().describe("S3 key of the uploaded source"),
    diagnostics: z.array(diagnosticSchema).min(1),
    lastGoodVersion: z.string().optional().describe("The version runs keep using"),
    createdAt: isoTime,
  })
  .describe("A pipeline source did not compile; the last good version stays runnable");

export const runStatusChangeDetailSchema = z
  .object({
    runId: z.string(),
    pipeline: z.string(),
    version: z.string(),
    status: runStatusSchema,
    previousStatus: runStatusSchema.optional(),
    message: z.string().optional(),
    startedAt: isoTime.optional(),
    parameters: stringMap,
    engine: engineInfoSchema,
    caller: callerSchema,
  })
  .describe("A run moved to a new non-terminal status");

export const runCompletedDetailSchema = z
  .object({
    runId: z.string(),
    pipeline: z.string(),
    version: z.string(),
    status: terminalRunStatusSchema,
    message: z.string().optional(),
    startedAt: isoTime.describe("When the run started (its creation time if it never started)"),
    finishedAt: isoTime,
    durationMs: z.number().int().nonnegative(),
    parameters: stringMap,
    outputs: stringMap,
    failedSteps: z.array(failedStepSchema).describe("The failed steps, at most 20 (see failedStepCount)"),
    failedStepCount: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe("How many steps failed, present only when failedSteps was cut to its bound"),
    engine: engineInfoSchema,
    caller: callerSchema,
  })
  .describe("A run reached a terminal status; published exactly once per run");

export const workflowStatusChangeDetailSchema = z
  .object({
    runId: z.string().min(1),
    namespace: z.string().min(1),
    workflowName: z.string().min(1),
    uid: z.string().optional(),
    phase: z
      .string()
      .optional()
      .describe("Argo's phase when the event was sent; the watcher re-reads the workflow"),
  })
  .describe("The engine saw a workflow change (the watcher's trigger)");

/** EventBridge's envelope (Powertools' schema) narrowed to one source and detail-type. */
function envelope<D extends z.ZodType>(source: string, detailType: string, detail: D) {
  return EventBridgeSchema.extend({
    source: z.literal(source),
    "detail-type": z.literal(detailType),
    detail,
  });
}

export const buildSucceededEventSchema = envelope(
  SKIFF_SOURCE,
  DETAIL_TYPES.buildSucceeded,
  buildSucceededDetailSchema,
);
export const buildFailedEventSchema = envelope(
  SKIFF_SOURCE,
  DETAIL_TYPES.buildFailed,
  buildFailedDetailSchema,
);
export const runStatusChangeEventSchema = envelope(
  SKIFF_SOURCE,
  DETAIL_TYPES.runStatusChange,
  runStatusChangeDetailSchema,
);
export const runCompletedEventSchema = envelope(
  SKIFF_SOURCE,
  DETAIL_TYPES.runCompleted,
  runCompletedDetailSchema,
);
export const workflowStatusChangeEventSchema = envelope(
  ENGINE_SOURCE,
  DETAIL_TYPES.workflowStatusChange,
  workflowStatusChangeDetailSchema,
);
/** The sweep's trigger: an EventBridge schedule. */
export const scheduledEventSchema = EventBridgeSchema.extend({
  source: z.literal("aws.events"),
  "detail-type": z.literal(DETAIL_TYPES.scheduled),
});

/** What the watcher accepts: either trigger. */
export const watcherEventSchema = z.union([workflowStatusChangeEventSchema, scheduledEventSchema]);

export type BuildSucceededDetail = z.infer<typeof buildSucceededDetailSchema>;
export type BuildFailedDetail = z.infer<typeof buildFailedDetailSchema>;
export type RunStatusChangeDetail = z.infer<typeof runStatusChangeDetailSchema>;
export type RunCompletedDetail = z.infer<typeof runCompletedDetailSchema>;
export type WorkflowStatusChangeDetail = z.infer<typeof workflowStatusChangeDetailSchema>;
export type BuildSucceededEvent = z.infer<typeof buildSucceededEventSchema>;
export type BuildFailedEvent = z.infer<typeof buildFailedEventSchema>;
export type RunStatusChangeEvent = z.infer<typeof runStatusChangeEventSchema>;
export type RunCompletedEvent = z.infer<typeof runCompletedEventSchema>;
export type WorkflowStatusChangeEvent = z.infer<typeof workflowStatusChangeEventSchema>;
export type ScheduledEvent = z.infer<typeof scheduledEventSchema>;
export type WatcherEvent = z.infer<typeof watcherEventSchema>;

/** Every published contract, by file name under events/schemas/. */
export const EVENT_SCHEMAS = {
  "pipeline-build-succeeded": buildSucceededEventSchema,
  "pipeline-build-failed": buildFailedEventSchema,
  "pipeline-run-status-change": runStatusChangeEventSchema,
  "pipeline-run-completed": runCompletedEventSchema,
  "workflow-status-change": workflowStatusChangeEventSchema,
} as const;

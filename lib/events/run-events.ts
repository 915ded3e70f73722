import type { BusEvent } from "../ports/event-bus";
import type { RunRecord, RunStatus } from "../ports/run-store";
import {
  type BuildFailedDetail,
  type BuildSucceededDetail,
  buildFailedDetailSchema,
  buildSucceededDetailSchema,
  DETAIL_TYPES,
  type RunCompletedDetail,
  type RunStatusChangeDetail,
  runCompletedDetailSchema,
  runStatusChangeDetailSchema,
  SKIFF_SOURCE,
} from "./contracts";
import { byteLength, FAILURE_BOUNDS, failedStepsForEvent } from "./failure-detail";

/** Builders of Skiff's events: each detail is checked against its contract before it can be published. */

export function runCompletedDetail(run: RunRecord, now: () => Date = () => new Date()): RunCompletedDetail {
  const finishedAt = run.finishedAt ?? now().toISOString();
  const startedAt = run.startedAt ?? run.createdAt;
  const detail = runCompletedDetailSchema.parse({
    runId: run.runId,
    pipeline: run.pipeline,
    version: run.version,
    status: run.status,
    message: run.message,
    startedAt,
    finishedAt,
    durationMs: Math.max(0, Date.parse(finishedAt) - Date.parse(startedAt)),
    parameters: run.parameters,
    outputs: run.outputs ?? {},
    ...failedStepsForEvent(run.failedSteps ?? []),
    engine: run.engine,
    caller: run.caller,
  });
  return withinEventBound(detail);
}

/** EventBridge refuses entries over 256 KB: the stderr tails give way first, being the largest optional part. */
function withinEventBound(detail: RunCompletedDetail): RunCompletedDetail {
  if (byteLength(JSON.stringify(detail)) <= FAILURE_BOUNDS.eventDetailBytes) return detail;
  return { ...detail, failedSteps: detail.failedSteps.map(({ stderrTail: _, ...step }) => step) };
}

export function runCompletedEvent(run: RunRecord, now?: () => Date): BusEvent {
  const detail = runCompletedDetail(run, now);
  return {
    source: SKIFF_SOURCE,
    detailType: DETAIL_TYPES.runCompleted,
    detail,
    time: new Date(detail.finishedAt),
  };
}

export function runStatusChangeEvent(run: RunRecord, previousStatus?: RunStatus): BusEvent {
  const detail: RunStatusChangeDetail = runStatusChangeDetailSchema.parse({
    runId: run.runId,
    pipeline: run.pipeline,
    version: run.version,
    status: run.status,
    previousStatus,
    message: run.message,
    startedAt: run.startedAt,
    parameters: run.parameters,
    engine: run.engine,
    caller: run.caller,
  });
  return { source: SKIFF_SOURCE, detailType: DETAIL_TYPES.runStatusChange, detail };
}

export function buildSucceededEvent(detail: BuildSucceededDetail): BusEvent {
  return {
    source: SKIFF_SOURCE,
    detailType: DETAIL_TYPES.buildSucceeded,
    detail: buildSucceededDetailSchema.parse(detail),
  };
}

export function buildFailedEvent(detail: BuildFailedDetail): BusEvent {
  return {
    source: SKIFF_SOURCE,
    detailType: DETAIL_TYPES.buildFailed,
    detail: buildFailedDetailSchema.parse(detail),
  };
}

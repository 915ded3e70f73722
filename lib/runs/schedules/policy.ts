/**
 * A CronWorkflow's `when` and `stopStrategy`, evaluated as Argo's cron controller does (workflow/cron/operator.go):
 * `when` has its `{{cronworkflow.*}}` references substituted, then is evaluated as govaluate; `stopStrategy`'s
 * expression is expr over `cronworkflow.*`. The expression languages are lib/argo/expr's, the one
 * implementation Skiff has of Argo's dialects.
 */
import { evaluateExpr, evaluateWhen, MapScope, substitute } from "../../argo/expr";
import type { ScheduleRecord } from "../../ports/schedule-store";

function variables(schedule: ScheduleRecord): Record<string, string> {
  return {
    "cronworkflow.name": schedule.pipeline,
    "cronworkflow.namespace": schedule.namespace ?? "",
    "cronworkflow.labels.json": JSON.stringify(schedule.labels ?? {}),
    "cronworkflow.annotations.json": JSON.stringify(schedule.annotations ?? {}),
    "cronworkflow.failed": String(schedule.failed),
    "cronworkflow.succeeded": String(schedule.succeeded),
    "cronworkflow.lastScheduledTime": schedule.lastScheduledTime ?? "",
    ...Object.fromEntries(
      Object.entries(schedule.labels ?? {}).map(([k, v]) => [`cronworkflow.labels.${k}`, v]),
    ),
    ...Object.fromEntries(
      Object.entries(schedule.annotations ?? {}).map(([k, v]) => [`cronworkflow.annotations.${k}`, v]),
    ),
  };
}

/** Whether `when` lets this firing run (true when there is none). Throws ExpressionError when it is invalid. */
export function whenHolds(schedule: ScheduleRecord): boolean {
  if (!schedule.when) return true;
  return evaluateWhen(substitute(schedule.when, new MapScope(variables(schedule))));
}

/** Whether `stopStrategy` says the schedule is done. Throws ExpressionError when it is invalid or not a boolean. */
export function stopReached(schedule: ScheduleRecord): boolean {
  if (!schedule.stopExpression) return false;
  const env = {
    cronworkflow: {
      name: schedule.pipeline,
      namespace: schedule.namespace ?? "",
      labels: schedule.labels ?? {},
      annotations: schedule.annotations ?? {},
      failed: schedule.failed,
      succeeded: schedule.succeeded,
      lastScheduledTime: schedule.lastScheduledTime ?? null,
    },
  };
  const result = evaluateExpr(schedule.stopExpression, env);
  if (typeof result !== "boolean") {
    throw new Error(`stopStrategy.expression ${JSON.stringify(schedule.stopExpression)} is not a boolean`);
  }
  return result;
}

import type { CronWorkflow } from "../../argo";
import { CronScheduleError, cronSchedules } from "../../argo/cron";
import type { ConcurrencyPolicy, ScheduleRecord } from "../../ports/schedule-store";

const POLICIES: ConcurrencyPolicy[] = ["Allow", "Forbid", "Replace"];

/**
 * The schedule a version's CronWorkflow installs. Throws CronScheduleError naming the field when a schedule,
 * the time zone or the concurrency policy is not one Argo accepts.
 */
export function scheduleFromCron(
  pipeline: string,
  version: string,
  cron: CronWorkflow,
  now: Date,
): Omit<ScheduleRecord, "revision"> {
  const spec = cron.spec;
  cronSchedules(cron); // validates every schedule and the time zone
  const policy = (spec.concurrencyPolicy || "Allow") as ConcurrencyPolicy;
  if (!POLICIES.includes(policy)) {
    throw new CronScheduleError(
      `spec.concurrencyPolicy: ${JSON.stringify(spec.concurrencyPolicy)} is not one of ${POLICIES.join(", ")}`,
    );
  }
  const legacy = (spec as { schedule?: string }).schedule;
  return {
    pipeline,
    version,
    schedules: [...(spec.schedules ?? []), ...(legacy ? [legacy] : [])],
    ...(spec.timezone ? { timezone: spec.timezone } : {}),
    concurrencyPolicy: policy,
    ...(spec.startingDeadlineSeconds !== undefined
      ? { startingDeadlineSeconds: spec.startingDeadlineSeconds }
      : {}),
    suspended: spec.suspend === true,
    ...(spec.when ? { when: spec.when } : {}),
    ...(spec.stopStrategy?.expression ? { stopExpression: spec.stopStrategy.expression } : {}),
    ...(spec.successfulJobsHistoryLimit !== undefined
      ? { successfulJobsHistoryLimit: spec.successfulJobsHistoryLimit }
      : {}),
    ...(spec.failedJobsHistoryLimit !== undefined
      ? { failedJobsHistoryLimit: spec.failedJobsHistoryLimit }
      : {}),
    ...(cron.metadata.labels ? { labels: cron.metadata.labels } : {}),
    ...(cron.metadata.annotations ? { annotations: cron.metadata.annotations } : {}),
    ...(cron.metadata.namespace ? { namespace: cron.metadata.namespace } : {}),
    installedAt: now.toISOString(),
    succeeded: 0,
    failed: 0,
  };
}

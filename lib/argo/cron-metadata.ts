// The metadata Argo's cron controller puts on the Workflows it submits. Apart from lib/argo/cron.ts so that
// the local engine, which reads them, does not load the schedule parser with them.

export const LABEL_CRON_WORKFLOW = "workflows.argoproj.io/cron-workflow";
/** Argo reads `{{workflow.scheduledTime}}` from this annotation. */
export const ANNOTATION_SCHEDULED_TIME = "workflows.argoproj.io/scheduled-time";

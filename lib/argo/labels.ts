/** Labels Argo's controller (and the local engine, acting as it) puts on every workflow. */
export const LABEL_PHASE = "workflows.argoproj.io/phase";
export const LABEL_COMPLETED = "workflows.argoproj.io/completed";
export const LABEL_CONTROLLER_INSTANCE_ID = "workflows.argoproj.io/controller-instanceid";

// What Argo's cron controller puts on the workflows it submits (here rather than in cron.ts, so that the local
// engine, which reads them, does not load the schedule parser).
export const LABEL_CRON_WORKFLOW = "workflows.argoproj.io/cron-workflow";
/** Argo reads `{{workflow.scheduledTime}}` from this annotation. */
export const ANNOTATION_SCHEDULED_TIME = "workflows.argoproj.io/scheduled-time";

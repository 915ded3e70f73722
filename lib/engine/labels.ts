/** Labels and annotations Skiff puts on every engine workflow. */
export const LABEL_RUN_ID = "skiff.dev/run-id";
export const LABEL_PIPELINE = "skiff.dev/pipeline";
export const LABEL_VERSION = "skiff.dev/version";
/** Set by Argo's controller (and the local engine) on every workflow. */
export const LABEL_PHASE = "workflows.argoproj.io/phase";
export const LABEL_COMPLETED = "workflows.argoproj.io/completed";
export const LABEL_CONTROLLER_INSTANCE_ID = "workflows.argoproj.io/controller-instanceid";

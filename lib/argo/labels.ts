/** Labels Argo's controller (and the local engine, acting as it) puts on every workflow. */
export const LABEL_PHASE = "workflows.argoproj.io/phase";
export const LABEL_COMPLETED = "workflows.argoproj.io/completed";
export const LABEL_CONTROLLER_INSTANCE_ID = "workflows.argoproj.io/controller-instanceid";

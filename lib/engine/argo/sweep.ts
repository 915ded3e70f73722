import type { Workflow } from "../../argo";
import { LABEL_COMPLETED, LABEL_CONTROLLER_INSTANCE_ID } from "../../argo/labels";
import { LABEL_RUN_ID } from "../labels";

/** Skiff workflows the controller marked completed: the watcher's sweep lists these to find lost exit events. */
export const COMPLETED_SELECTOR = `${LABEL_RUN_ID},${LABEL_COMPLETED}=true`;

export interface UnstartedVerdict {
  status: "Error";
  message: string;
}

/**
 * The "never got a status" rule: a workflow whose `status.phase` is still empty `afterMs` after
 * its creation was never picked up by a controller. Returns the Error verdict for the run (with
 * the likely causes), or undefined while it is still within the grace period or has a status.
 */
export function unstartedVerdict(
  workflow: Workflow,
  now: Date,
  afterMs: number,
): UnstartedVerdict | undefined {
  if (workflow.status?.phase) return undefined;
  const created = Date.parse(String(workflow.metadata.creationTimestamp ?? ""));
  if (Number.isNaN(created) || now.getTime() - created < afterMs) return undefined;
  const instanceId = workflow.metadata.labels?.[LABEL_CONTROLLER_INSTANCE_ID];
  const namespace = workflow.metadata.namespace ?? "(unknown)";
  const seconds = Math.round((now.getTime() - created) / 1000);
  const causes = [
    instanceId
      ? `the controller's instanceID is not "${instanceId}" (label ${LABEL_CONTROLLER_INSTANCE_ID}; a controller ignores workflows of other instance ids)`
      : `the controller runs with an instanceID, so it ignores workflows without the label ${LABEL_CONTROLLER_INSTANCE_ID} (set SKIFF_CONTROLLER_INSTANCE_ID)`,
    `no Argo workflow controller is running or watching namespace "${namespace}" (missing CRD/installation, or a namespaced install elsewhere)`,
    `the controller's RBAC does not allow it to read or update workflows and create pods in "${namespace}"`,
  ];
  return {
    status: "Error",
    message: `workflow ${namespace}/${workflow.metadata.name} never got a status from the Argo controller within ${seconds}s; likely causes: ${causes.join("; ")}`,
  };
}

import type { Workflow } from "../../argo";
import type { Engine } from "../engine";
import { LABEL_COMPLETED, LABEL_CONTROLLER_INSTANCE_ID, LABEL_RUN_ID } from "../labels";

/** Every page of `engine.list` for the selector. */
export async function listAllWorkflows(
  engine: Pick<Engine, "list">,
  labelSelector: string,
): Promise<Workflow[]> {
  const items: Workflow[] = [];
  let token: string | undefined;
  do {
    const page = await engine.list({ labelSelector, limit: 500, continue: token });
    items.push(...page.items);
    token = page.continue;
  } while (token);
  return items;
}

/** Selector of every workflow Skiff created (it carries a run id). */
export const SKIFF_SELECTOR = LABEL_RUN_ID;
export const COMPLETED_SELECTOR = `${LABEL_RUN_ID},${LABEL_COMPLETED}=true`;
export const NOT_COMPLETED_SELECTOR = `${LABEL_RUN_ID},${LABEL_COMPLETED}!=true`;

/**
 * Skiff workflows the controller marked completed (`workflows.argoproj.io/completed=true`) that
 * finished at or after `since` (e.g. the previous sweep's start minus a safety margin). Workflows
 * without `finishedAt` are included, since they cannot be placed in time.
 */
export async function listCompletedSince(engine: Pick<Engine, "list">, since?: Date): Promise<Workflow[]> {
  const all = await listAllWorkflows(engine, COMPLETED_SELECTOR);
  if (!since) return all;
  return all.filter((wf) => {
    const finished = wf.status?.finishedAt ? Date.parse(String(wf.status.finishedAt)) : Number.NaN;
    return Number.isNaN(finished) || finished >= since.getTime();
  });
}

/** Skiff workflows not yet completed (running, pending, or never picked up by a controller). */
export function listNotCompleted(engine: Pick<Engine, "list">): Promise<Workflow[]> {
  return listAllWorkflows(engine, NOT_COMPLETED_SELECTOR);
}

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

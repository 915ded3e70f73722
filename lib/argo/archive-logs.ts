import type { Template, Workflow } from "./types.generated";

/** The output artifact Argo's executor saves a pod's main container log as, when logs are archived. */
export const ARCHIVED_LOG_ARTIFACT = "main-logs";

/** The object name of an archived log under the pod's artifact key (Argo's `<container>.log`). */
export const ARCHIVED_LOG_FILE = "main.log";

/**
 * Whether a pod's log is archived, as Argo's controller decides (`IsArchiveLogs`): the artifact repository's
 * `archiveLogs` when it is on; otherwise the workflow's `spec.archiveLogs`, overridden by the template's
 * `archiveLocation.archiveLogs`.
 */
export function archivesLogs(wf: Workflow, template: Template, repositoryDefault = false): boolean {
  if (repositoryDefault) return true;
  let archive = wf.spec.archiveLogs ?? false;
  const own = template.archiveLocation?.archiveLogs;
  if (own !== undefined && own !== null) archive = own;
  return archive;
}

import type { Workflow } from "./types.generated";

/**
 * Seconds after completion at which Argo's TTL controller deletes a finished workflow (`ttlStrategy`): the
 * phase's own setting, else `secondsAfterCompletion`; undefined when the workflow is kept.
 */
export function ttlSecondsOf(wf: Workflow): number | undefined {
  const ttl = wf.spec.ttlStrategy;
  return wf.status?.phase === "Succeeded"
    ? (ttl?.secondsAfterSuccess ?? ttl?.secondsAfterCompletion)
    : (ttl?.secondsAfterFailure ?? ttl?.secondsAfterCompletion);
}

// Argo's node phases and the predicates its controller reads them through (wfv1 NodePhase and NodeStatus).

/**
 * A node's phase. Argo has no "Daemoned" phase: a daemon step is a node whose `daemoned` field is true, and it
 * counts as fulfilled and successful once it is past Pending.
 */
export const NODE_PHASES = [
  "Pending",
  "Running",
  "Succeeded",
  "Skipped",
  "Failed",
  "Error",
  "Omitted",
] as const;
export type NodePhase = (typeof NODE_PHASES)[number];

/** What the predicates read of a node. */
export interface NodeState {
  phase?: string;
  daemoned?: boolean;
}

const up = (node: NodeState) => node.daemoned === true && node.phase !== "Pending";

/** Succeeded, Failed or Error: the phase a node ends in when it ran. */
export function phaseCompleted(phase: string | undefined): boolean {
  return phase === "Succeeded" || phase === "Failed" || phase === "Error";
}

/** Completed, Skipped or Omitted: nothing more will happen to the node. */
export function phaseFulfilled(phase: string | undefined): boolean {
  return phaseCompleted(phase) || phase === "Skipped" || phase === "Omitted";
}

export function failedOrError(phase: string | undefined): boolean {
  return phase === "Failed" || phase === "Error";
}

/** Argo's NodeStatus.Fulfilled: a fulfilled phase, or a daemon that is up. */
export function isFulfilled(node: NodeState | undefined): boolean {
  return node !== undefined && (phaseFulfilled(node.phase) || up(node));
}

/** Argo's NodeStatus.Completed: a completed phase, or a daemon that is up. */
export function isCompleted(node: NodeState | undefined): boolean {
  return node !== undefined && (phaseCompleted(node.phase) || up(node));
}

/** Argo's NodeStatus.Successful: Succeeded, Skipped, or a daemon that is up. */
export function isSuccessful(node: NodeState | undefined): boolean {
  return node !== undefined && (node.phase === "Succeeded" || node.phase === "Skipped" || up(node));
}

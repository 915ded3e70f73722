import { WorkflowConflictError, WorkflowRejectedError } from "../ports/engine-errors";
import { LABEL_COMPLETED, LABEL_PHASE } from "./labels";
import { nodeMatches, parseNodeFieldSelector } from "./node-field-selector";
import { podNameFor } from "./node-ids";
import { failedOrError } from "./phases";
import type { NodeStatus, Workflow } from "./types.generated";

const LABEL_ARCHIVING = "workflows.argoproj.io/workflow-archiving-status";

export interface RetryPlan {
  workflow: Workflow;
  /** Pods of the reset nodes, to delete before the controller recreates them under the same names. */
  podsToDelete: string[];
}

export interface RetryInput {
  restartSuccessful?: boolean;
  nodeFieldSelector?: string;
  parameters?: Record<string, string>;
  now?: Date;
}

const EXECUTION_TYPES = new Set(["Pod", "Container", "Suspend", "HTTP", "Plugin"]);

/** RFC 3339 at second precision, as Argo writes times. */
export function argoTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Argo's retry (`FormulateRetryWorkflow`), as a pure function of the stored workflow: the same
 * object (same uid) with failed nodes and their descendants removed, their ancestors reset to
 * Running, the `.onExit` subtree dropped, phase/message/finishedAt cleared and shutdown undone.
 */
export function formulateRetry(original: Workflow, input: RetryInput = {}): RetryPlan {
  const phase = original.status?.phase;
  const selector = input.nodeFieldSelector?.trim() ?? "";
  if (phase === "Succeeded") {
    if (!(input.restartSuccessful && selector)) {
      throw new WorkflowConflictError(
        "To retry a succeeded workflow, set the options restartSuccessful and nodeFieldSelector",
      );
    }
  } else if (!failedOrError(phase)) {
    throw new WorkflowConflictError(`Cannot retry a workflow in phase ${phase || "(none yet)"}`);
  }
  if (original.status?.compressedNodes || original.status?.offloadNodeStatusVersion) {
    throw new WorkflowRejectedError(
      "cannot retry a workflow whose node status is compressed or offloaded through the Kubernetes API; configure ARGO_SERVER_URL",
    );
  }
  const now = argoTime(input.now ?? new Date());
  const name = original.metadata.name ?? "";
  const onExitName = `${name}.onExit`;
  const oldNodes = original.status?.nodes ?? {};
  const wf = structuredClone(original);
  const labels = { ...(wf.metadata.labels ?? {}) };
  delete labels[LABEL_COMPLETED];
  delete labels[LABEL_ARCHIVING];
  labels[LABEL_PHASE] = "Running";
  wf.metadata.labels = labels;
  const status = wf.status ?? {};
  wf.status = status;
  status.conditions = upsertCompletedFalse(status.conditions);
  status.phase = "Running";
  status.message = undefined;
  status.startedAt = now;
  status.finishedAt = undefined;
  status.persistentVolumeClaims = [];
  if (status.storedWorkflowTemplateSpec) status.storedWorkflowTemplateSpec.shutdown = undefined;
  wf.spec.shutdown = undefined;
  if (wf.spec.activeDeadlineSeconds === 0) wf.spec.activeDeadlineSeconds = undefined;
  if (input.parameters) overrideParameters(wf, input.parameters);

  const parent = new Map<string, string>();
  for (const node of Object.values(oldNodes))
    for (const child of node.children ?? []) parent.set(child, node.id);
  for (const node of Object.values(oldNodes)) {
    if (!parent.has(node.id) && node.name !== name && !node.name.startsWith(onExitName)) {
      throw new WorkflowRejectedError(`cannot retry: node ${node.id} (${node.name}) has no parent node`);
    }
  }

  // Nodes to redo: nodes the selector names (when restarting successes), plus failed/errored
  // execution nodes (a failed retry attempt stands for its Retry node) with no succeeded descendant.
  const redo = new Set<string>();
  if (input.restartSuccessful && selector) {
    const requirements = parseNodeFieldSelector(selector);
    for (const node of Object.values(oldNodes)) if (nodeMatches(node, requirements)) redo.add(node.id);
  }
  const selected = new Set(redo);
  for (const original of Object.values(oldNodes)) {
    if (!failedOrError(original.phase) || !EXECUTION_TYPES.has(original.type)) continue;
    let node = original;
    if (node.nodeFlag?.retried) {
      const retryParent = oldNodes[parent.get(node.id) ?? ""];
      if (retryParent?.type === "Retry") node = retryParent;
    }
    if (!hasSucceededDescendant(node, oldNodes, selected)) redo.add(original.id);
  }

  // Topological (breadth-first from the root) order: a node already scheduled for deletion by an
  // ancestor's reset is not reset again.
  const toReset = new Set<string>();
  const toDelete = new Set<string>();
  for (const id of breadthFirst(name, oldNodes)) {
    if (!redo.has(id) || toDelete.has(id)) continue;
    resetPath(id, oldNodes, parent, toReset, toDelete);
  }

  const nodes: Record<string, NodeStatus> = {};
  for (const id of toReset) if (!toDelete.has(id) && oldNodes[id]) nodes[id] = resetNode(oldNodes[id], now);
  const pods = new Set<string>();
  for (const id of toDelete) {
    const node = oldNodes[id];
    if (node?.type === "Pod") pods.add(podNameFor(original, node));
  }
  // The exit handler runs again after the retry: its pods go too.
  const exitRoot = Object.values(oldNodes).find((n) => n.name === onExitName);
  if (exitRoot) {
    const exitNodes = new Set<string>([exitRoot.id]);
    markDescendants(exitRoot.id, oldNodes, exitNodes);
    for (const id of exitNodes) if (oldNodes[id]) pods.add(podNameFor(original, oldNodes[id]));
  }
  for (const [id, node] of Object.entries(oldNodes)) {
    const drop = toDelete.has(id) || node.name.startsWith(onExitName);
    if (!nodes[id] && !drop) nodes[id] = structuredClone(node);
  }
  for (const [id, node] of Object.entries(nodes)) {
    const old = oldNodes[id];
    node.children = (old.children ?? []).filter((c) => !toDelete.has(c));
    node.outboundNodes = (old.outboundNodes ?? []).filter((c) => !toDelete.has(c));
    if (node.children.length === 0) delete node.children;
    if (node.outboundNodes.length === 0) delete node.outboundNodes;
  }
  status.nodes = nodes;
  return { workflow: wf, podsToDelete: [...pods] };
}

/** Marks `target` and everything after it for deletion and the group/retry nodes above it for reset. */
function resetPath(
  target: string,
  nodes: Record<string, NodeStatus>,
  parent: Map<string, string>,
  toReset: Set<string>,
  toDelete: Set<string>,
): void {
  markDescendants(target, nodes, toDelete);
  toDelete.add(target);
  const up = (id: string | undefined) => (id ? parent.get(id) : undefined);
  const climbTo = (start: string | undefined, type: string): string => {
    let current = start;
    while (current) {
      if (nodes[current]?.type === type) return current;
      current = up(current);
    }
    throw new WorkflowRejectedError(`cannot retry: expected a ${type} node above ${target}`);
  };
  let current: string | undefined = target;
  let mustFind: string | undefined = nodes[target]?.type === "Container" ? "Pod" : undefined;
  while (current) {
    const node: NodeStatus | undefined = nodes[current];
    if (current !== target && node) {
      if (["Steps", "StepGroup", "DAG", "TaskGroup", "Retry", "Plugin"].includes(node.type))
        toReset.add(current);
      if (node.type === "StepGroup") mustFind = "Steps";
      if (node.type === "TaskGroup") mustFind = "DAG";
    } else if (node && (node.type === "StepGroup" || node.type === "TaskGroup")) {
      mustFind = node.type === "StepGroup" ? "Steps" : "DAG";
    }
    current = up(current);
    if (!mustFind) continue;
    if (!current)
      throw new WorkflowRejectedError(`cannot retry: must find ${mustFind} but reached the root node`);
    current = climbTo(current, mustFind);
    toReset.add(current);
    if (mustFind === "Pod") {
      toDelete.add(current);
      markDescendants(current, nodes, toDelete);
    }
    mustFind = undefined;
  }
}

function markDescendants(id: string, nodes: Record<string, NodeStatus>, into: Set<string>): void {
  const queue = [...(nodes[id]?.children ?? [])];
  const seen = new Set<string>();
  while (queue.length) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    into.add(next);
    queue.push(...(nodes[next]?.children ?? []));
  }
}

function resetNode(original: NodeStatus, now: string): NodeStatus {
  const node = structuredClone(original);
  if (node.type === "Suspend" && node.outputs?.parameters) {
    node.outputs.parameters = node.outputs.parameters.map((p) => ({
      name: p.name,
      valueFrom: { supplied: {} },
    }));
  }
  if (node.phase !== "Skipped") node.phase = "Running";
  delete node.message;
  node.startedAt = now;
  delete node.finishedAt;
  return node;
}

function upsertCompletedFalse(conditions: NonNullable<Workflow["status"]>["conditions"]) {
  const rest = (conditions ?? []).filter((c) => c.type !== "Completed");
  return [...rest, { type: "Completed", status: "False" }];
}

/** Argo's `-p name=value` override: replaces values of declared workflow parameters only. */
export function overrideParameters(wf: Workflow, parameters: Record<string, string>): void {
  const declared = wf.spec.arguments?.parameters ?? [];
  for (const [key, value] of Object.entries(parameters)) {
    const param = declared.find((p) => p.name === key);
    if (!param)
      throw new WorkflowRejectedError(
        `parameter "${key}" is not a workflow parameter (spec.arguments.parameters)`,
      );
    param.value = value;
  }
}

/** Argo's isDescendantNodeSucceeded: whether a node below this one (other than an `excluded` one) Succeeded. */
export function hasSucceededDescendant(
  node: NodeStatus,
  nodes: Record<string, NodeStatus>,
  excluded: ReadonlySet<string> = new Set(),
): boolean {
  const seen = new Set<string>();
  const queue = [...(node.children ?? [])];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const child = nodes[id];
    if (!child) continue;
    if (!excluded.has(id) && child.phase === "Succeeded") return true;
    queue.push(...(child.children ?? []));
  }
  return false;
}

function breadthFirst(rootId: string, nodes: Record<string, NodeStatus>): string[] {
  const order: string[] = [];
  const seen = new Set<string>([rootId]);
  const queue = nodes[rootId] ? [rootId] : [];
  while (queue.length) {
    const id = queue.shift()!;
    order.push(id);
    for (const child of nodes[id]?.children ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      queue.push(child);
    }
  }
  return order;
}

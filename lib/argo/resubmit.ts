import { randomBytes } from "node:crypto";
import { WorkflowConflictError } from "../ports/engine-errors";
import { LABEL_COMPLETED, LABEL_PHASE } from "./labels";
import { nodeId } from "./node-ids";
import { failedOrError } from "./phases";
import { argoTime, hasSucceededDescendant, overrideParameters } from "./retry";
import type { NodeStatus, Workflow } from "./types.generated";

export const LABEL_RESUBMITTED_FROM = "workflows.argoproj.io/resubmitted-from-workflow";
const CONTROLLER_LABELS = new Set([
  LABEL_PHASE,
  LABEL_COMPLETED,
  "workflows.argoproj.io/workflow-archiving-status",
  "workflows.argoproj.io/creator",
  "workflows.argoproj.io/creator-email",
  "workflows.argoproj.io/creator-preferred-username",
]);

export interface ResubmitInput {
  memoized?: boolean;
  parameters?: Record<string, string>;
  /** Extra labels for the new workflow (e.g. the new run id). */
  labels?: Record<string, string>;
  now?: Date;
  /** Suffix generator for memoized resubmits, which need a concrete name up front. */
  randomSuffix?: () => string;
}

/** Kubernetes' generateName suffix alphabet (no vowels, no look-alikes). */
const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
export function randomNameSuffix(): string {
  return [...randomBytes(5)].map((b) => ALPHANUMS[b % ALPHANUMS.length]).join("");
}

/**
 * Argo's resubmit (`FormulateResubmitWorkflow`): a new workflow from the old one's spec, with user
 * labels and annotations copied, `resubmitted-from-workflow` set and shutdown cleared. With
 * `memoized` (only from Failed/Error) it gets a concrete name and pre-populated nodes: succeeded
 * pods become Skipped (`original pod: <id>`) so only the failed part runs again.
 */
export function formulateResubmit(original: Workflow, input: ResubmitInput = {}): Workflow {
  const phase = original.status?.phase;
  if (input.memoized && phase !== "Failed" && phase !== "Error") {
    throw new WorkflowConflictError(
      `workflow must be Failed/Error to resubmit in memoized mode (it is ${phase || "not started"})`,
    );
  }
  const oldName = original.metadata.name ?? "";
  const spec = structuredClone(original.spec);
  spec.shutdown = undefined;
  if (spec.activeDeadlineSeconds === 0) spec.activeDeadlineSeconds = undefined;
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(original.metadata.labels ?? {})) {
    if (!CONTROLLER_LABELS.has(key)) labels[key] = value;
  }
  labels[LABEL_RESUBMITTED_FROM] = oldName;
  Object.assign(labels, input.labels ?? {});
  const generateName = original.metadata.generateName || `${oldName}-`;
  const wf: Workflow = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: {
      generateName,
      namespace: original.metadata.namespace,
      labels,
      annotations: { ...(original.metadata.annotations ?? {}) },
      ...(original.metadata.ownerReferences ? { ownerReferences: original.metadata.ownerReferences } : {}),
    },
    spec,
  };
  if (input.parameters) overrideParameters(wf, input.parameters);
  if (!input.memoized) return wf;

  const newName = generateName + (input.randomSuffix ?? randomNameSuffix)();
  wf.metadata.name = newName;
  delete wf.metadata.generateName;
  const now = argoTime(input.now ?? new Date());
  const oldNodes = original.status?.nodes ?? {};
  const rename = (name: string) => (name.startsWith(oldName) ? newName + name.slice(oldName.length) : name);
  const convertId = (id: string) => {
    const node = oldNodes[id];
    return node ? nodeId(newName, rename(node.name)) : id;
  };
  const nodes: Record<string, NodeStatus> = {};
  for (const node of Object.values(oldNodes)) {
    if (node.name.startsWith(`${oldName}.onExit`)) continue;
    const copy = structuredClone(node);
    copy.name = rename(node.name);
    copy.id = nodeId(newName, copy.name);
    if (node.boundaryID) copy.boundaryID = convertId(node.boundaryID);
    const failedPod = failedOrError(node.phase) && node.type === "Pod";
    if (failedPod) {
      delete copy.startedAt;
      delete copy.finishedAt;
    } else {
      copy.startedAt = now;
      copy.finishedAt = now;
    }
    copy.children = (node.children ?? []).map(convertId);
    copy.outboundNodes = (node.outboundNodes ?? []).map(convertId);
    if (copy.children.length === 0) delete copy.children;
    if (copy.outboundNodes.length === 0) delete copy.outboundNodes;
    if (!failedPod && node.type === "Pod") {
      copy.phase = "Skipped";
      copy.type = "Skipped";
      copy.message = `original pod: ${node.id}`;
    } else if (node.type === "Skipped" && !hasSucceededDescendant(node, oldNodes)) {
      continue;
    } else {
      copy.phase = "Pending";
      delete copy.message;
    }
    nodes[copy.id] = copy;
  }
  wf.status = {
    nodes,
    storedTemplates: structuredClone(original.status?.storedTemplates ?? {}),
    conditions: [{ type: "Completed", status: "False" }],
    phase: "",
  };
  return wf;
}

import type { NodeStatus, Workflow } from "./types.generated";

// Argo's naming of nodes and pods, shared by both engines.

/** 32-bit FNV-1a over the UTF-8 bytes of `text` (Argo hashes node names with it). */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Argo's node id: the workflow name for the root node, `<wf>-<fnv32a(name)>` otherwise. */
export function nodeId(workflowName: string, nodeName: string): string {
  return nodeName === workflowName ? workflowName : `${workflowName}-${fnv32a(nodeName)}`;
}

/** A node's display name: its name minus its boundary node's name, then a leading `[N].` or `.` removed. */
export function displayName(name: string, boundaryName: string | undefined): string {
  if (!boundaryName || !name.startsWith(boundaryName)) return name;
  return name.slice(boundaryName.length).replace(/^(\[\d+\])?\./, "");
}

const MAX_POD_PREFIX = 242;

/** Argo's v2 pod name for a node: `<wf>-<template>-<fnv32a(nodeName)>`, `<wf>` for a root pod node. */
export function podName(
  workflowName: string,
  node: Pick<NodeStatus, "name" | "templateName" | "templateRef">,
): string {
  if (node.name === workflowName) return workflowName;
  const template = node.templateRef?.template ?? node.templateName;
  let prefix = template ? `${workflowName}-${template}` : workflowName;
  if (prefix.length > MAX_POD_PREFIX) prefix = prefix.slice(0, MAX_POD_PREFIX);
  return `${prefix}-${fnv32a(node.name)}`;
}

/** v1 pod names (annotation `workflows.argoproj.io/pod-name-format: v1`) were the node id. */
export function podNameFor(workflow: Workflow, node: NodeStatus): string {
  const format = workflow.metadata?.annotations?.["workflows.argoproj.io/pod-name-format"];
  return format === "v1" ? node.id : podName(workflow.metadata?.name ?? "", node);
}

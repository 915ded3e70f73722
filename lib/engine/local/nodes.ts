import type { NodeStatus, TemplateRef } from "../../argo";
import { displayName, nodeId } from "../../argo/node-ids";
import { isFulfilled, type NodePhase } from "../../argo/phases";
import {
  completeProgress,
  EXECUTABLE_NODE_TYPES,
  isValidProgress,
  PROGRESS_DEFAULT,
} from "../../argo/progress";
import { rfc3339 } from "./time";

export type NodeType =
  | "Pod"
  | "Steps"
  | "StepGroup"
  | "DAG"
  | "TaskGroup"
  | "Retry"
  | "Skipped"
  | "Suspend"
  | "HTTP";

/** Node types counted by `progress` (Argo's executable nodes). */
export const EXECUTABLE_TYPES: ReadonlySet<string> = EXECUTABLE_NODE_TYPES;

/** The status.nodes map with Argo's bookkeeping (ids, display names, children edges). */
export class NodeTable {
  /** Node ids by name: hashing a name (UTF-8 encode + FNV) on every lookup was a hot spot. */
  private readonly ids = new Map<string, string>();

  constructor(
    readonly workflowName: string,
    readonly nodes: Record<string, NodeStatus>,
    private readonly onChange: () => void,
  ) {}

  id(name: string): string {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = nodeId(this.workflowName, name);
      this.ids.set(name, id);
    }
    return id;
  }

  byName(name: string): NodeStatus | undefined {
    return this.nodes[this.id(name)];
  }

  get(id: string): NodeStatus | undefined {
    return this.nodes[id];
  }

  /** Creates the node (or returns the existing one with that name). */
  init(
    name: string,
    type: NodeType,
    fields: {
      boundaryId?: string;
      templateName?: string;
      templateRef?: TemplateRef;
      /** The scope the template was resolved from; the workflow's (`local/<name>`) when absent. */
      templateScope?: string;
      phase: NodePhase;
      message?: string;
      displayName?: string;
      hooked?: boolean;
      retried?: boolean;
    },
  ): NodeStatus {
    const id = this.id(name);
    const existing = this.nodes[id];
    if (existing) return existing;
    const boundary = fields.boundaryId ? this.nodes[fields.boundaryId] : undefined;
    const now = rfc3339();
    const node: NodeStatus = {
      id,
      name,
      displayName: fields.displayName ?? displayName(name, boundary?.name),
      type,
      ...(fields.templateName ? { templateName: fields.templateName } : {}),
      ...(fields.templateRef ? { templateRef: fields.templateRef } : {}),
      ...(fields.templateName || fields.templateRef
        ? { templateScope: fields.templateScope ?? `local/${this.workflowName}` }
        : {}),
      phase: fields.phase,
      ...(fields.boundaryId ? { boundaryID: fields.boundaryId } : {}),
      ...(fields.message ? { message: fields.message } : {}),
      startedAt: now,
      ...(fields.hooked || fields.retried
        ? {
            nodeFlag: {
              ...(fields.hooked ? { hooked: true } : {}),
              ...(fields.retried ? { retried: true } : {}),
            },
          }
        : {}),
    };
    if (EXECUTABLE_TYPES.has(type)) node.progress = PROGRESS_DEFAULT;
    if (isFulfilled(node)) node.finishedAt = now;
    this.nodes[id] = node;
    this.onChange();
    return node;
  }

  addChild(parentName: string, childName: string): void {
    this.addChildId(this.id(parentName), this.id(childName));
  }

  addChildId(parentId: string, childId: string): void {
    const parent = this.nodes[parentId];
    if (!parent) return;
    const children = parent.children ?? [];
    if (children.includes(childId)) return;
    parent.children = [...children, childId];
    this.onChange();
  }

  /**
   * Sets the phase (and message); fulfilled phases set finishedAt. An executable node that succeeded has its
   * progress completed (Argo's UpdateProgress); one that failed keeps what it had, so it does not count as done.
   */
  mark(node: NodeStatus, phase: NodePhase, message?: string): void {
    node.phase = phase;
    if (message !== undefined) {
      if (message === "") delete node.message;
      else node.message = message;
    }
    if (isFulfilled(node)) {
      node.finishedAt = rfc3339();
      if (
        node.progress !== undefined &&
        (phase === "Succeeded" || phase === "Skipped" || phase === "Omitted")
      )
        node.progress = isValidProgress(node.progress) ? completeProgress(node.progress) : node.progress;
    }
    this.onChange();
  }

  /** A running pod's self-reported progress (`ARGO_PROGRESS_FILE`). */
  setProgress(node: NodeStatus, progress: string): void {
    if (node.progress === progress || isFulfilled(node)) return;
    node.progress = progress;
    this.onChange();
  }

  /** Argo's getOutboundNodes: the leaves a following step/task hangs off. */
  outbound(id: string): string[] {
    const node = this.nodes[id];
    if (!node) return [];
    switch (node.type) {
      case "Pod":
      case "Skipped":
      case "Suspend":
      case "HTTP":
        return [id];
      case "TaskGroup":
        if (!node.children?.length) return [id];
        return node.children.flatMap((c) => this.outbound(c));
      case "Retry": {
        const last = node.children?.at(-1);
        return last ? [last] : [id];
      }
    }
    const out: string[] = [];
    for (const o of node.outboundNodes ?? []) {
      const n = this.nodes[o];
      if (n?.type === "Pod") out.push(o);
      else out.push(...this.outbound(o));
    }
    return out;
  }
}

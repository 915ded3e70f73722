import type { StepRecord } from "../../ports/run-store";

/** A run's step as the graph draws it. */
export interface StepNode {
  /** Argo's node id (the step id). */
  id: string;
  label: string;
  /** The graph's kind for Argo's node type (`kindOf`). */
  kind: string;
  phase: string;
  /** The template the step ran, for the tooltip. */
  title?: string;
}

export interface StepEdge {
  from: string;
  to: string;
}

export interface StepGraph {
  nodes: StepNode[];
  edges: StepEdge[];
}

/** Argo's node types as the graph draws them: steps and task groups as small joints, the rest by their name. */
export function kindOf(type: string): string {
  return type === "StepGroup" || type === "TaskGroup" ? "group" : type.toLowerCase();
}

/**
 * A run's steps as a graph, the way Argo's UI draws a workflow: one node per Argo node, one edge from each node
 * to each of its `children`. Argo's children already carry the shape: a DAG's children are its root tasks, a
 * task's children the tasks that depend on it (attached to the outbound nodes of a nested DAG or steps), a steps
 * group's children its steps, whose children are the next group, and a retry's children its attempts.
 * Children the run does not list (yet) are left out; nodes keep the order the steps came in.
 */
export function stepsToGraph(run: { steps?: StepRecord[] }): StepGraph {
  const steps = run.steps ?? [];
  const ids = new Set(steps.map((s) => s.stepId));
  const nodes: StepNode[] = [];
  const edges: StepEdge[] = [];
  const seen = new Set<string>();
  for (const step of steps) {
    if (seen.has(step.stepId)) continue;
    seen.add(step.stepId);
    nodes.push({
      id: step.stepId,
      label: step.displayName || step.name || step.stepId,
      kind: kindOf(step.type),
      phase: step.phase || "Pending",
      ...(step.templateName ? { title: step.templateName } : {}),
    });
    const targets = new Set<string>();
    for (const child of step.children ?? []) {
      if (ids.has(child) && child !== step.stepId && !targets.has(child)) {
        targets.add(child);
        edges.push({ from: step.stepId, to: child });
      }
    }
  }
  return { nodes, edges };
}

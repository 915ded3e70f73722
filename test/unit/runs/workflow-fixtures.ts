// Argo workflow documents in Argo's status format (per ../shared/conformance/argo/SEMANTICS.md § b), for tests.
import type { NodeStatus, Workflow } from "../../../lib/argo";

export function workflow(
  name: string,
  status: Workflow["status"],
  over: { runId?: string; shutdown?: string; labels?: Record<string, string>; created?: string } = {},
): Workflow {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: {
      name,
      namespace: "default",
      uid: `uid-${name}`,
      creationTimestamp: over.created ?? "2026-01-01T00:00:00Z",
      labels: { "skiff.dev/run-id": over.runId ?? `run-${name}`, ...over.labels },
    },
    spec: {
      entrypoint: "main",
      arguments: { parameters: [{ name: "date", value: "2026-01-01" }] },
      ...(over.shutdown ? { shutdown: over.shutdown } : {}),
      templates: [{ name: "main", dag: { tasks: [] } }],
    },
    status,
  };
}

export function node(id: string, over: Partial<NodeStatus> = {}): NodeStatus {
  return { id, name: id, displayName: id, type: "Pod", phase: "Succeeded", templateName: "work", ...over };
}

/** A DAG run `wf` with tasks a → b, at a given stage: 0 pending, 1 a running, 2 a done b running, 3 done. */
export function dagAt(
  name: string,
  stage: 0 | 1 | 2 | 3,
  outcome: "Succeeded" | "Failed" = "Succeeded",
  runId?: string,
) {
  const nodes: Record<string, NodeStatus> = {};
  if (stage >= 1) {
    nodes[name] = node(name, {
      type: "DAG",
      templateName: "main",
      phase: stage === 3 ? outcome : "Running",
      startedAt: "2026-01-01T00:00:01Z",
      children: [`${name}-a`],
    });
    nodes[`${name}-a`] = node(`${name}-a`, {
      name: `${name}.a`,
      displayName: "a",
      boundaryID: name,
      phase: stage === 1 ? "Running" : "Succeeded",
      startedAt: "2026-01-01T00:00:01Z",
      outputs: { exitCode: "0", parameters: [{ name: "rows", value: "42" }] },
    });
  }
  if (stage >= 2) {
    nodes[`${name}-b`] = node(`${name}-b`, {
      name: `${name}.b`,
      displayName: "b",
      boundaryID: name,
      templateName: "load",
      phase: stage === 2 ? "Running" : outcome,
      startedAt: "2026-01-01T00:00:03Z",
      ...(stage === 3 && outcome === "Failed"
        ? { message: "main: Error (exit code 1)", outputs: { exitCode: "1" } }
        : {}),
    });
  }
  const phase = stage === 0 ? undefined : stage === 3 ? outcome : "Running";
  return workflow(
    name,
    {
      phase,
      startedAt: stage >= 1 ? "2026-01-01T00:00:01Z" : undefined,
      finishedAt: stage === 3 ? "2026-01-01T00:00:09Z" : undefined,
      message: stage === 3 && outcome === "Failed" ? `child '${name}-b' failed` : undefined,
      nodes: stage === 0 ? undefined : nodes,
    },
    { runId },
  );
}

import type { DAGTask, NodeStatus } from "../../argo";
import { failedOrError, isCompleted, isFulfilled, type NodePhase } from "../../argo/phases";
import type { NodeTable } from "./nodes";

/** Argo's assessDAGPhase: BFS from the roots carrying the branch phase. */
export function assessDagPhase(
  table: NodeTable,
  node: NodeStatus,
  targets: string[],
  tasks: Map<string, DAGTask>,
  failFast: boolean,
): NodePhase {
  const targetIds = new Map(targets.map((t) => [table.id(`${node.name}.${t}`), t]));
  const targetPhases = new Map<string, string>();
  const queue: Array<{ id: string; phase: string }> = (node.children ?? []).map((id) => ({
    id,
    phase: "Succeeded",
  }));
  const seen = new Set<string>();
  while (queue.length) {
    const cur = queue.shift();
    if (!cur) break;
    const key = `${cur.id}|${cur.phase}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const n = table.get(cur.id);
    // A workflow-level hook hangs off the entrypoint node and may still run when its DAG is done: it is no
    // task of the DAG, and the workflow waits for it before its exit handler.
    if (n?.nodeFlag?.hooked && !n.boundaryID && !isFulfilled(n)) continue;
    if (!n || !isFulfilled(n)) return "Running";
    let branch = cur.phase;
    if (isCompleted(n)) branch = n.phase ?? branch;
    if (targetIds.has(n.id)) {
      const prev = targetPhases.get(n.id);
      if (!failedOrError(prev)) targetPhases.set(n.id, branch);
    }
    let next = n.children ?? [];
    if (n.type === "Retry") {
      const last = n.children?.at(-1);
      next = last ? (table.get(last)?.children ?? []) : [];
    }
    for (const c of next) queue.push({ id: c, phase: branch });
  }
  let result: NodePhase = "Succeeded";
  for (const [id, t] of targetIds) {
    const branch = targetPhases.get(id);
    if (branch === undefined) {
      result = "Running";
      if (!failFast) break;
    } else if (failedOrError(branch)) {
      const task = tasks.get(t);
      if (
        (branch === "Failed" && task?.continueOn?.failed) ||
        (branch === "Error" && task?.continueOn?.error)
      )
        continue;
      result = branch as NodePhase;
      if (failFast) break;
    }
  }
  return result;
}

import { describe, expect, it } from "vitest";
import type { DAGTask, NodeStatus } from "../../../../lib/argo";
import type { NodePhase } from "../../../../lib/argo/phases";
import { assessDagPhase } from "../../../../lib/engine/local/dag-phase";
import { NodeTable, type NodeType } from "../../../../lib/engine/local/nodes";

/** A DAG `wf` whose tasks are given as name → [type, phase, children]. */
function dag(spec: Record<string, [NodeType, NodePhase, string[]]>, roots: string[]) {
  const nodes: Record<string, NodeStatus> = {};
  const table = new NodeTable("wf", nodes, () => {});
  const root = table.init("wf", "DAG", { phase: "Running" });
  for (const [name, [type, phase]] of Object.entries(spec))
    table.init(`wf.${name}`, type, { boundaryId: root.id, phase });
  for (const [name, [, , children]] of Object.entries(spec))
    for (const c of children) table.addChild(`wf.${name}`, `wf.${c}`);
  for (const r of roots) table.addChild("wf", `wf.${r}`);
  return { table, root };
}

const tasks = (...names: string[]) => new Map<string, DAGTask>(names.map((n) => [n, { name: n }]));

describe("assessDagPhase (Argo's branch-phase BFS)", () => {
  it("an Omitted target inherits the Failed branch phase of its parent", () => {
    const { table, root } = dag(
      { A: ["Pod", "Failed", ["B"]], B: ["Skipped", "Omitted", []], C: ["Pod", "Succeeded", []] },
      ["A", "C"],
    );
    expect(assessDagPhase(table, root, ["B", "C"], tasks("A", "B", "C"), true)).toBe("Failed");
  });

  it("a failed non-leaf whose dependant ran does not fail the DAG", () => {
    const { table, root } = dag({ A: ["Pod", "Failed", ["B"]], B: ["Pod", "Succeeded", []] }, ["A"]);
    expect(assessDagPhase(table, root, ["B"], tasks("A", "B"), true)).toBe("Succeeded");
  });

  it("is Running while a reachable node runs, and honours a target's continueOn", () => {
    const running = dag({ A: ["Pod", "Running", []] }, ["A"]);
    expect(assessDagPhase(running.table, running.root, ["A"], tasks("A"), true)).toBe("Running");
    const tolerated = dag({ A: ["Pod", "Failed", []] }, ["A"]);
    const withContinue = new Map<string, DAGTask>([["A", { name: "A", continueOn: { failed: true } }]]);
    expect(assessDagPhase(tolerated.table, tolerated.root, ["A"], withContinue, true)).toBe("Succeeded");
  });

  it("with failFast a failed target wins over an unresolved one; without it the DAG waits", () => {
    const { table, root } = dag({ A: ["Pod", "Failed", []] }, ["A"]);
    expect(assessDagPhase(table, root, ["B", "A"], tasks("A", "B"), true)).toBe("Failed");
    expect(assessDagPhase(table, root, ["B", "A"], tasks("A", "B"), false)).toBe("Running");
  });
});

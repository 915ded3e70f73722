import { describe, expect, it } from "vitest";
import type { NodeStatus, Workflow } from "../../../../lib/argo";
import { renderTree } from "../../../../lib/engine/local/tree";

function node(id: string, name: string, type: string, more: Partial<NodeStatus> = {}): NodeStatus {
  return { id, name, displayName: name.split(".").at(-1), type, phase: "Succeeded", ...more } as NodeStatus;
}

describe("renderTree", () => {
  it("draws a DAG's tasks, step groups, and exit hooks under the node they belong to", () => {
    const nodes = [
      node("wf", "wf", "DAG", { displayName: "wf" }),
      node("a", "wf.a", "Pod", { boundaryID: "wf" }),
      node("s", "wf.s", "Steps", { boundaryID: "wf" }),
      node("g", "wf.s[0]", "StepGroup", { boundaryID: "s", children: ["x"], displayName: "[0]" }),
      node("x", "wf.s[0].x", "Pod", { boundaryID: "s", phase: "Failed", message: "exit code 3" }),
      node("h", "wf.a.hooks.done", "Pod", { displayName: "wf.a.hooks.done" }),
      node("hh", "wf.a.hooks.done.hooks.again", "Pod", { displayName: "again" }),
      node("e", "wf.onExit", "Pod", { displayName: "wf.onExit" }),
      // Not a hook of wf.a: a hook's own name has no dot.
      node("n", "wf.a.hooks.x.y", "Pod", { boundaryID: "elsewhere" }),
    ];
    const wf = {
      metadata: { name: "wf" },
      spec: {},
      status: { phase: "Failed", progress: "3/4", nodes: Object.fromEntries(nodes.map((n) => [n.id, n])) },
    } as unknown as Workflow;
    expect(renderTree(wf, 0).split("\n").slice(4)).toEqual([
      "✔ wf  DAG",
      "├─ ✔ a",
      "│  └─ ✔ wf.a.hooks.done",
      "│     └─ ✔ again",
      "├─ ✔ s  Steps",
      "│  └─ ✔ ·",
      "│     └─ ✖ x  exit code 3",
      "└─ ✔ wf.onExit",
    ]);
  });
});

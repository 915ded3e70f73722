import { describe, expect, it } from "vitest";
import type { NodeStatus, WorkflowStatus } from "../../../../lib/argo";
import { isValidProgress, reportedProgress, updateProgress } from "../../../../lib/argo/progress";

const node = (id: string, type: string, phase: string, extra: Partial<NodeStatus> = {}): NodeStatus => ({
  id,
  name: id,
  type,
  phase,
  ...extra,
});

describe("progress (Argo's workflow/progress/updater.go)", () => {
  it("reads N/M as Argo's Progress.IsValid does", () => {
    expect(isValidProgress("0/1")).toBe(true);
    expect(isValidProgress("5/5")).toBe(true);
    expect(isValidProgress("0/0")).toBe(false);
    expect(isValidProgress("6/5")).toBe(false);
    expect(isValidProgress("")).toBe(false);
    expect(isValidProgress(undefined)).toBe(false);
  });

  it("takes the last non-empty line a pod reported, when it is valid", () => {
    expect(reportedProgress("1/10\n3/10\n\n")).toBe("3/10");
    expect(reportedProgress("1/10\nhalf\n")).toBeUndefined();
  });

  it("completes succeeded, skipped and omitted nodes, keeps failed ones, sums the rest over children", () => {
    const status: WorkflowStatus = {
      nodes: {
        root: node("root", "DAG", "Failed", { children: ["a", "b", "c", "g"] }),
        a: node("a", "Pod", "Succeeded", { progress: "40/100" }),
        b: node("b", "Pod", "Failed", { progress: "3/10" }),
        c: node("c", "Pod", "Failed"),
        g: node("g", "Steps", "Succeeded", { children: ["s"] }),
        s: node("s", "Suspend", "Skipped", { progress: "0/1", children: ["a"] }),
        x: node("x", "Skipped", "Omitted"),
      },
    };
    updateProgress(status);
    const n = status.nodes ?? {};
    expect([n.a?.progress, n.b?.progress, n.c?.progress, n.s?.progress]).toEqual([
      "100/100",
      "3/10",
      "0/1",
      "1/1",
    ]);
    // Each reachable executable node once: a (through s too), b, c, s.
    expect(n.root?.progress).toBe("104/112");
    expect(n.g?.progress).toBe("101/101");
    expect(n.x?.progress).toBeUndefined();
    expect(status.progress).toBe("104/112");
  });
});

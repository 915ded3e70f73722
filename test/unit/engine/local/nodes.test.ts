import { describe, expect, it } from "vitest";
import { displayName, fnv32a, nodeId } from "../../../../lib/argo/node-ids";
import { NodeTable } from "../../../../lib/engine/local/nodes";

describe("node ids and names", () => {
  it("uses the workflow name for the root and <wf>-<fnv32a(name)> otherwise", () => {
    expect(nodeId("wf", "wf")).toBe("wf");
    expect(nodeId("wf", "wf[0].a")).toBe(`wf-${fnv32a("wf[0].a")}`);
  });

  it("derives display names from the boundary node's name", () => {
    expect(displayName("wf[0].hello", "wf")).toBe("hello");
    expect(displayName("wf[1]", "wf")).toBe("[1]");
    expect(displayName("wf.A", "wf")).toBe("A");
    expect(displayName("wf[0].retry(1)", "wf")).toBe("retry(1)");
    expect(displayName("wf.onExit", undefined)).toBe("wf.onExit");
  });

  it("computes outbound nodes like Argo's getOutboundNodes", () => {
    const nodes = {};
    const t = new NodeTable("wf", nodes, () => {});
    const steps = t.init("wf", "Steps", { phase: "Running" });
    t.init("wf[0]", "StepGroup", { boundaryId: steps.id, phase: "Running" });
    t.init("wf[0].a", "Pod", { boundaryId: steps.id, phase: "Succeeded" });
    const retry = t.init("wf[0].b", "Retry", { boundaryId: steps.id, phase: "Succeeded" });
    t.init("wf[0].b(0)", "Pod", { boundaryId: steps.id, phase: "Failed" });
    t.init("wf[0].b(1)", "Pod", { boundaryId: steps.id, phase: "Succeeded" });
    t.addChild("wf[0].b", "wf[0].b(0)");
    t.addChild("wf[0].b", "wf[0].b(1)");
    expect(t.outbound(retry.id)).toEqual([t.id("wf[0].b(1)")]);
    steps.outboundNodes = [t.id("wf[0].a"), retry.id];
    expect(t.outbound(steps.id)).toEqual([t.id("wf[0].a"), t.id("wf[0].b(1)")]);
    expect(t.byName("wf[0].a")?.displayName).toBe("a");
  });
});

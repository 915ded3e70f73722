import { describe, expect, it } from "vitest";
import type { NodeStatus, Workflow } from "../../../../lib/argo";
import { fnv32a, nodeId, podName } from "../../../../lib/argo/node-ids";
import { formulateResubmit } from "../../../../lib/argo/resubmit";
import { formulateRetry } from "../../../../lib/argo/retry";
import { WorkflowConflictError } from "../../../../lib/ports/engine-errors";

const WF = "wf-abc";
const id = (name: string) => nodeId(WF, name);
const n = (name: string, extra: Partial<NodeStatus>): NodeStatus => ({
  id: id(name),
  name,
  displayName: name,
  type: "Pod",
  phase: "Succeeded",
  startedAt: "2026-01-01T00:00:00Z",
  finishedAt: "2026-01-01T00:00:05Z",
  ...extra,
});

/** A failed steps workflow as Argo writes it: [0].ok Succeeded → [1].boom Failed, plus an exit handler. */
function failedWorkflow(): Workflow {
  const nodes = [
    n(WF, {
      type: "Steps",
      phase: "Failed",
      templateName: "main",
      children: [id(`${WF}[0]`)],
      message: `child '${id(`${WF}[1].boom`)}' failed`,
    }),
    n(`${WF}[0]`, { type: "StepGroup", boundaryID: WF, children: [id(`${WF}[0].ok`)] }),
    n(`${WF}[0].ok`, { templateName: "ok", boundaryID: WF, children: [id(`${WF}[1]`)] }),
    n(`${WF}[1]`, { type: "StepGroup", phase: "Failed", boundaryID: WF, children: [id(`${WF}[1].boom`)] }),
    n(`${WF}[1].boom`, {
      templateName: "boom",
      boundaryID: WF,
      phase: "Failed",
      message: "main: Error (exit code 1)",
    }),
    n(`${WF}.onExit`, { templateName: "cleanup" }),
  ];
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: {
      name: WF,
      generateName: "wf-",
      namespace: "argo",
      uid: "uid-1",
      resourceVersion: "42",
      labels: {
        "skiff.dev/run-id": "r1",
        "workflows.argoproj.io/phase": "Failed",
        "workflows.argoproj.io/completed": "true",
        team: "data",
      },
    },
    spec: {
      entrypoint: "main",
      shutdown: "Stop",
      arguments: { parameters: [{ name: "size", value: "1" }] },
      templates: [],
    },
    status: {
      phase: "Failed",
      message: "boom",
      startedAt: "2026-01-01T00:00:00Z",
      finishedAt: "2026-01-01T00:00:10Z",
      nodes: Object.fromEntries(nodes.map((node) => [node.id, node])),
    },
  };
}

describe("node ids and pod names", () => {
  it("follow Argo: fnv32a of the node name, v2 pod names", () => {
    expect(fnv32a("")).toBe(0x811c9dc5);
    expect(fnv32a("a")).toBe(0xe40c292c);
    expect(nodeId(WF, WF)).toBe(WF);
    expect(nodeId(WF, `${WF}[0].ok`)).toBe(`${WF}-${fnv32a(`${WF}[0].ok`)}`);
    expect(podName(WF, { name: `${WF}[0].ok`, templateName: "ok" })).toBe(
      `${WF}-ok-${fnv32a(`${WF}[0].ok`)}`,
    );
    expect(podName(WF, { name: WF, templateName: "main" })).toBe(WF);
  });
});

describe("retry (Argo's FormulateRetryWorkflow)", () => {
  it("removes failed nodes and the exit handler, resets their group ancestors, keeps successes, clears completion", () => {
    const now = new Date("2026-02-02T02:02:02Z");
    const { workflow, podsToDelete } = formulateRetry(failedWorkflow(), { now, parameters: { size: "2" } });
    const nodes = workflow.status!.nodes!;
    expect(Object.keys(nodes).sort()).toEqual([WF, id(`${WF}[0]`), id(`${WF}[0].ok`), id(`${WF}[1]`)].sort());
    expect(nodes[WF]).toMatchObject({ phase: "Running", startedAt: "2026-02-02T02:02:02Z" });
    expect(nodes[WF].message).toBeUndefined();
    expect(nodes[id(`${WF}[1]`)]).toMatchObject({ phase: "Running" });
    expect(nodes[id(`${WF}[1]`)].children).toBeUndefined();
    expect(nodes[id(`${WF}[0].ok`)]).toMatchObject({ phase: "Succeeded", startedAt: "2026-01-01T00:00:00Z" });
    expect(podsToDelete.sort()).toEqual(
      [
        podName(WF, { name: `${WF}[1].boom`, templateName: "boom" }),
        podName(WF, { name: `${WF}.onExit`, templateName: "cleanup" }),
      ].sort(),
    );
    expect(workflow.metadata.uid).toBe("uid-1");
    expect(workflow.metadata.resourceVersion).toBe("42");
    expect(workflow.metadata.labels?.["workflows.argoproj.io/completed"]).toBeUndefined();
    expect(workflow.metadata.labels?.["workflows.argoproj.io/phase"]).toBe("Running");
    expect(workflow.status).toMatchObject({ phase: "Running", startedAt: "2026-02-02T02:02:02Z" });
    expect(workflow.status?.finishedAt).toBeUndefined();
    expect(workflow.status?.message).toBeUndefined();
    expect(workflow.spec.shutdown).toBeUndefined();
    expect(workflow.spec.arguments?.parameters).toEqual([{ name: "size", value: "2" }]);
  });

  it("refuses running or succeeded workflows like Argo", () => {
    const running = failedWorkflow();
    running.status!.phase = "Running";
    expect(() => formulateRetry(running)).toThrow(WorkflowConflictError);
    const ok = failedWorkflow();
    ok.status!.phase = "Succeeded";
    expect(() => formulateRetry(ok)).toThrow(/restartSuccessful and nodeFieldSelector/);
  });

  it("restarts successful nodes picked by the node field selector", () => {
    const { workflow } = formulateRetry(failedWorkflow(), {
      restartSuccessful: true,
      nodeFieldSelector: "displayName=" + `${WF}[0].ok`,
    });
    expect(workflow.status!.nodes![id(`${WF}[0].ok`)]).toBeUndefined();
    expect(workflow.status!.nodes![id(`${WF}[0]`)].phase).toBe("Running");
  });
});

describe("resubmit (Argo's FormulateResubmitWorkflow)", () => {
  it("makes a new workflow with user labels copied, controller labels dropped and the origin recorded", () => {
    const next = formulateResubmit(failedWorkflow(), { labels: { "skiff.dev/run-id": "r2" } });
    expect(next.metadata).toMatchObject({ generateName: "wf-", namespace: "argo" });
    expect(next.metadata.name).toBeUndefined();
    expect(next.metadata.labels).toEqual({
      "skiff.dev/run-id": "r2",
      team: "data",
      "workflows.argoproj.io/resubmitted-from-workflow": WF,
    });
    expect(next.spec.shutdown).toBeUndefined();
    expect(next.status).toBeUndefined();
  });

  it("memoized: succeeded pods become Skipped with their original id, failed ones Pending, exit handler dropped", () => {
    const next = formulateResubmit(failedWorkflow(), {
      memoized: true,
      randomSuffix: () => "zzzzz",
      now: new Date("2026-02-02T00:00:00Z"),
    });
    const name = "wf-zzzzz";
    expect(next.metadata.name).toBe(name);
    const nodes = next.status!.nodes!;
    const ok = nodes[nodeId(name, `${name}[0].ok`)];
    expect(ok).toMatchObject({
      type: "Skipped",
      phase: "Skipped",
      message: `original pod: ${id(`${WF}[0].ok`)}`,
      boundaryID: name,
    });
    expect(ok.children).toEqual([nodeId(name, `${name}[1]`)]);
    expect(nodes[nodeId(name, `${name}[1].boom`)]).toMatchObject({ type: "Pod", phase: "Pending" });
    expect(nodes[nodeId(name, `${name}.onExit`)]).toBeUndefined();
    expect(nodes[name]).toMatchObject({ phase: "Pending", type: "Steps" });
    const ok2 = failedWorkflow();
    ok2.status!.phase = "Succeeded";
    expect(() => formulateResubmit(ok2, { memoized: true })).toThrow(WorkflowConflictError);
  });
});

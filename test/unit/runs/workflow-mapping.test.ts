import { brotliCompressSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { RunStoreError } from "../../../lib/runs/errors";
import { failedStepsOf, nodesOf, runStatusOf, snapshotOf, stepOf } from "../../../lib/runs/workflow-mapping";
import { dagAt, node, workflow } from "./workflow-fixtures";

describe("runStatusOf", () => {
  it.each([
    [undefined, undefined, undefined, "Pending"],
    ["", undefined, undefined, "Pending"],
    ["Pending", undefined, undefined, "Pending"],
    ["Running", undefined, undefined, "Running"],
    ["Running", "Stop", undefined, "Running"],
    ["Succeeded", undefined, undefined, "Succeeded"],
    ["Failed", undefined, "child 'x' failed", "Failed"],
    ["Error", undefined, "invalid spec: x", "Error"],
    ["Failed", "Stop", "Stopped with strategy 'Stop'", "Stopped"],
    ["Failed", "Terminate", "Stopped with strategy 'Terminate'", "Terminated"],
    // The spec may have been replaced (e.g. a record without spec.shutdown): Argo's message still tells.
    ["Failed", undefined, "Stopped with strategy 'Terminate'", "Terminated"],
    ["Failed", undefined, "Stopped with strategy 'Stop'", "Stopped"],
  ])("phase %s, shutdown %s, message %s → %s", (phase, shutdown, message, expected) => {
    expect(runStatusOf(workflow("wf", { phase, message }, { shutdown }))).toBe(expected);
  });
});

describe("snapshotOf", () => {
  it("maps nodes to steps and the workflow to a run snapshot", () => {
    const snap = snapshotOf(dagAt("wf", 3, "Failed"), "run-1", "local");
    expect(snap).toMatchObject({
      runId: "run-1",
      status: "Failed",
      message: "child 'wf-b' failed",
      startedAt: "2026-01-01T00:00:01Z",
      finishedAt: "2026-01-01T00:00:09Z",
      engine: { kind: "local", namespace: "default", workflowName: "wf", uid: "uid-wf" },
      failedSteps: [{ stepId: "wf-b", name: "b", message: "main: Error (exit code 1)", exitCode: 1 }],
    });
    const a = snap.steps.find((s) => s.stepId === "wf-a");
    expect(a).toEqual({
      runId: "run-1",
      stepId: "wf-a",
      name: "wf.a",
      displayName: "a",
      type: "Pod",
      templateName: "work",
      phase: "Succeeded",
      exitCode: 0,
      startedAt: "2026-01-01T00:00:01Z",
      outputs: { rows: "42" },
      boundaryId: "wf",
    });
    expect(snap.steps).toHaveLength(3);
  });

  it("takes the run's outputs from the entrypoint node, overlaid with global outputs", () => {
    const wf = workflow("wf", {
      phase: "Succeeded",
      nodes: {
        wf: node("wf", {
          type: "Steps",
          outputs: {
            parameters: [
              { name: "a", value: "1" },
              { name: "b", value: "1" },
            ],
          },
        }),
      },
      outputs: { parameters: [{ name: "b", value: "2" }, { name: "noValue" }] },
    });
    expect(snapshotOf(wf, "r", "argo").outputs).toEqual({ a: "1", b: "2" });
  });

  it("reads gzip- and brotli-compressed nodes", () => {
    const nodes = { wf: node("wf", { type: "DAG" }), "wf-1": node("wf-1") };
    const json = Buffer.from(JSON.stringify(nodes));
    for (const compressed of [gzipSync(json), brotliCompressSync(json)]) {
      const wf = workflow("wf", { phase: "Succeeded", compressedNodes: compressed.toString("base64") });
      expect(nodesOf(wf)).toEqual(nodes);
    }
    const broken = workflow("wf", { phase: "Running", compressedNodes: "bm90IGNvbXByZXNzZWQ=" });
    expect(() => nodesOf(broken)).toThrow(RunStoreError);
    expect(() => nodesOf(broken)).toThrow(/wf: status.compressedNodes/);
  });
});

describe("failedStepsOf", () => {
  it("keeps only the last attempt of a failed retry node and none of a retry that succeeded", () => {
    const nodes = {
      r1: node("r1", { type: "Retry", phase: "Failed", children: ["r1-0", "r1-1"] }),
      "r1-0": node("r1-0", { phase: "Failed", message: "attempt 0", startedAt: "2026-01-01T00:00:01Z" }),
      "r1-1": node("r1-1", {
        phase: "Failed",
        message: "attempt 1",
        startedAt: "2026-01-01T00:00:02Z",
        outputs: { exitCode: "3" },
      }),
      r2: node("r2", { type: "Retry", phase: "Succeeded", children: ["r2-0", "r2-1"] }),
      "r2-0": node("r2-0", { phase: "Failed", message: "flaky" }),
      "r2-1": node("r2-1", { phase: "Succeeded" }),
      dag: node("dag", { type: "DAG", phase: "Failed" }),
      errored: node("errored", {
        type: "Skipped",
        phase: "Error",
        message: "invalid",
        startedAt: "2026-01-01T00:00:03Z",
      }),
    };
    expect(failedStepsOf(nodes)).toEqual([
      { stepId: "r1-1", name: "r1-1", message: "attempt 1", exitCode: 3 },
      { stepId: "errored", name: "errored", message: "invalid" },
    ]);
  });
});

describe("stepOf: artifacts and bounded messages", () => {
  it("lists the node's input and output artifacts with their S3 keys", () => {
    const step = stepOf(
      "r1",
      node("n1", {
        inputs: { artifacts: [{ name: "in", path: "/tmp/in", s3: { key: "artifacts/wf/p0/out.tgz" } }] },
        outputs: {
          artifacts: [
            { name: "out", path: "/tmp/out", s3: { key: "artifacts/wf/p1/out.tgz" } },
            { name: "elsewhere", s3: { key: "x.tgz", bucket: "theirs" } },
            { name: "inline", raw: { data: "hi" } },
          ],
        },
      }),
    );
    expect(step.inputArtifacts).toEqual([{ name: "in", path: "/tmp/in", key: "artifacts/wf/p0/out.tgz" }]);
    expect(step.outputArtifacts).toEqual([
      { name: "out", path: "/tmp/out", key: "artifacts/wf/p1/out.tgz" },
      { name: "elsewhere", key: "x.tgz", bucket: "theirs" },
      { name: "inline" },
    ]);
    expect(stepOf("r1", node("n2")).outputArtifacts).toBeUndefined();
  });

  it("cuts a long node message to 1 KB on the step and on the failed-step list", () => {
    const long = "e".repeat(5000);
    const failed = node("n1", { phase: "Failed", message: long });
    expect(Buffer.byteLength(stepOf("r1", failed).message ?? "")).toBeLessThanOrEqual(1024);
    expect(Buffer.byteLength(failedStepsOf({ n1: failed })[0]?.message ?? "")).toBeLessThanOrEqual(1024);
  });
});

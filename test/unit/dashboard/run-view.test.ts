import { describe, expect, it, vi } from "vitest";
import { actionPath, actionsFor } from "../../../lib/dashboard/run/actions";
import {
  artifactLinks,
  artifactPath,
  downloadAnswer,
  downloadName,
  formatBytes,
  logsPath,
} from "../../../lib/dashboard/run/artifacts";
import { nextDelay, poll } from "../../../lib/dashboard/run/poll";
import { formatAgo, formatDuration, progressOf } from "../../../lib/dashboard/run/progress";
import { isFinished, isStepActive, runSignature } from "../../../lib/dashboard/run/signature";
import { stepsToGraph } from "../../../lib/dashboard/run/steps-graph";
import type { RunRecord, StepRecord } from "../../../lib/ports/run-store";

const step = (stepId: string, over: Partial<StepRecord> = {}): StepRecord => ({
  runId: "r1",
  stepId,
  name: stepId,
  displayName: stepId,
  type: "Pod",
  phase: "Succeeded",
  ...over,
});

describe("stepsToGraph", () => {
  it("draws a DAG's nodes and Argo's children as edges (etl's shape, as the local engine records it)", () => {
    const steps = [
      step("etl-x", { type: "DAG", displayName: "etl-x", templateName: "etl", children: ["etl-x-1"] }),
      step("etl-x-1", {
        displayName: "download",
        templateName: "download",
        children: ["etl-x-2", "etl-x-3"],
      }),
      step("etl-x-2", { displayName: "totals", children: ["etl-x-4"], phase: "Running" }),
      step("etl-x-3", { displayName: "regions", children: ["etl-x-4"], phase: "Failed" }),
      step("etl-x-4", { displayName: "report", phase: "Pending" }),
    ];
    const graph = stepsToGraph({ steps });
    expect(graph.nodes).toEqual([
      { id: "etl-x", label: "etl-x", kind: "dag", phase: "Succeeded", title: "etl" },
      { id: "etl-x-1", label: "download", kind: "pod", phase: "Succeeded", title: "download" },
      { id: "etl-x-2", label: "totals", kind: "pod", phase: "Running" },
      { id: "etl-x-3", label: "regions", kind: "pod", phase: "Failed" },
      { id: "etl-x-4", label: "report", kind: "pod", phase: "Pending" },
    ]);
    expect(graph.edges).toEqual([
      { from: "etl-x", to: "etl-x-1" },
      { from: "etl-x-1", to: "etl-x-2" },
      { from: "etl-x-1", to: "etl-x-3" },
      { from: "etl-x-2", to: "etl-x-4" },
      { from: "etl-x-3", to: "etl-x-4" },
    ]);
  });

  it("chains steps groups through their steps, and keeps retries' attempts under the retry node", () => {
    const steps = [
      step("w", { type: "Steps", children: ["w-g0"] }),
      step("w-g0", { type: "StepGroup", displayName: "[0]", children: ["w-a"] }),
      step("w-a", { type: "Retry", displayName: "build", children: ["w-a0", "w-a1"] }),
      step("w-a0", { displayName: "build(0)", phase: "Failed", children: ["w-g1"] }),
      step("w-a1", { displayName: "build(1)", children: ["w-g1"] }),
      step("w-g1", { type: "StepGroup", displayName: "[1]", children: ["w-b", "w-c"] }),
      step("w-b", { displayName: "release", type: "Skipped", phase: "Skipped" }),
      step("w-c", { displayName: "discard" }),
    ];
    const { nodes, edges } = stepsToGraph({ steps });
    expect(nodes.map((n) => `${n.label}:${n.kind}`)).toEqual([
      "w:steps",
      "[0]:group",
      "build:retry",
      "build(0):pod",
      "build(1):pod",
      "[1]:group",
      "release:skipped",
      "discard:pod",
    ]);
    expect(edges.map((e) => `${e.from}>${e.to}`)).toEqual([
      "w>w-g0",
      "w-g0>w-a",
      "w-a>w-a0",
      "w-a>w-a1",
      "w-a0>w-g1",
      "w-a1>w-g1",
      "w-g1>w-b",
      "w-g1>w-c",
    ]);
  });

  it("leaves out children not listed yet, duplicates and self-references; labels fall back to the name", () => {
    const steps = [
      step("a", { displayName: "", name: "wf.a", children: ["b", "b", "a", "later"] }),
      step("b", { phase: "" }),
      step("b", { phase: "Failed" }),
    ];
    const graph = stepsToGraph({ steps });
    expect(graph.nodes).toEqual([
      { id: "a", label: "wf.a", kind: "pod", phase: "Succeeded" },
      { id: "b", label: "b", kind: "pod", phase: "Pending" },
    ]);
    expect(graph.edges).toEqual([{ from: "a", to: "b" }]);
    expect(stepsToGraph({})).toEqual({ nodes: [], edges: [] });
  });
});

describe("progress and duration", () => {
  it("counts executable steps done of those so far, as Argo does (groups do not count)", () => {
    const steps = [
      step("dag", { type: "DAG", phase: "Running" }),
      step("a"),
      step("b", { phase: "Running" }),
      step("c", { type: "Skipped", phase: "Skipped" }),
      step("d", { type: "Suspend", phase: "Running" }),
      step("e", { phase: "Failed" }),
      step("f", { type: "Container", phase: "Omitted" }),
    ];
    expect(progressOf(steps)).toEqual({ done: 2, total: 5 });
    expect(progressOf([])).toEqual({ done: 0, total: 0 });
  });

  it("formats durations from milliseconds to hours, to now while unfinished", () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();
    const now = Date.UTC(2026, 0, 1) + 5000;
    expect(formatDuration(at(0), at(0.25), now)).toBe("250ms");
    expect(formatDuration(at(0), at(4.25), now)).toBe("4.3s");
    expect(formatDuration(at(0), at(185), now)).toBe("3m 05s");
    expect(formatDuration(at(0), at(2 * 3600 + 3 * 60 + 59), now)).toBe("2h 03m");
    expect(formatDuration(at(0), undefined, now)).toBe("5.0s");
    expect(formatDuration(undefined, at(1), now)).toBe("");
    expect(formatDuration("not a time", at(1), now)).toBe("");
    expect(formatDuration(at(10), at(1), now)).toBe("");
  });

  it("says how long ago something happened", () => {
    const now = Date.UTC(2026, 0, 10);
    const ago = (ms: number) => new Date(now - ms).toISOString();
    expect(formatAgo(ago(12_500), now)).toBe("12s ago");
    expect(formatAgo(ago(-3000), now)).toBe("0s ago");
    expect(formatAgo(ago(5 * 60_000 + 1), now)).toBe("5 min ago");
    expect(formatAgo(ago(3 * 3_600_000), now)).toBe("3 h ago");
    expect(formatAgo(ago(4 * 86_400_000), now)).toBe("4 d ago");
    expect(formatAgo(undefined, now)).toBe("");
  });
});

describe("polling with back-off", () => {
  it("starts quick, backs off while unchanged, resets on a change, backs off further on failures", () => {
    expect(nextDelay(undefined, "same")).toBe(500);
    expect(nextDelay(500, "same")).toBe(750);
    expect(nextDelay(750, "same")).toBe(1125);
    expect(nextDelay(1125, "same")).toBe(1500);
    expect(nextDelay(1500, "same")).toBe(1500);
    expect(nextDelay(1500, "changed")).toBe(500);
    expect(nextDelay(1500, "failed")).toBe(2250);
    expect(nextDelay(14_000, "failed")).toBe(15_000);
    // Back from failures: an unchanged answer comes back to the ordinary ceiling.
    expect(nextDelay(15_000, "same")).toBe(1500);
    expect(nextDelay(100, "same", { minMs: 100, maxMs: 120, factor: 2 })).toBe(120);
  });

  it("polls one request at a time until done, reporting values and failures", async () => {
    vi.useFakeTimers();
    try {
      const answers: Array<string | Error> = ["Running", "Running", new Error("503"), "Running", "Succeeded"];
      const seen: string[] = [];
      const errors: unknown[] = [];
      const load = vi.fn(async () => {
        const next = answers.shift();
        if (next instanceof Error) throw next;
        return next as string;
      });
      poll({
        load,
        onValue: (v) => seen.push(v),
        onError: (e) => errors.push(e),
        done: (v) => v === "Succeeded",
        changed: (a, b) => a !== b,
      });
      await vi.advanceTimersByTimeAsync(0);
      expect(seen).toEqual(["Running"]);
      await vi.advanceTimersByTimeAsync(499);
      expect(load).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(seen).toEqual(["Running", "Running"]);
      await vi.advanceTimersByTimeAsync(750); // unchanged: 750 ms; then the failure
      expect(errors).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1125 + 1688);
      expect(seen).toEqual(["Running", "Running", "Running", "Succeeded"]);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(load).toHaveBeenCalledTimes(5);
    } finally {
      vi.useRealTimers();
    }
  });

  it("stops when told, even with a request in flight", async () => {
    vi.useFakeTimers();
    try {
      let release: (v: string) => void = () => {};
      const load = vi.fn(() => new Promise<string>((r) => (release = r)));
      const onValue = vi.fn();
      const stop = poll({ load, onValue, done: () => false });
      stop();
      release("Running");
      await vi.advanceTimersByTimeAsync(10_000);
      expect(onValue).not.toHaveBeenCalled();
      expect(load).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("run actions", () => {
  const names = (run: Parameters<typeof actionsFor>[0]) => actionsFor(run).map((a) => a.name);

  it("offers stop and terminate while active, resume with a suspended step, retry after a failure", () => {
    expect(names({ status: "Running" })).toEqual(["stop", "terminate"]);
    expect(names({ status: "Running", steps: [step("s", { type: "Suspend", phase: "Running" })] })).toEqual([
      "resume",
      "stop",
      "terminate",
    ]);
    expect(names({ status: "Failed" })).toEqual(["retry", "resubmit"]);
    expect(names({ status: "Succeeded" })).toEqual(["resubmit"]);
  });

  it("asks before the destroying ones only", () => {
    const asks = Object.fromEntries(
      [...actionsFor({ status: "Running" }), ...actionsFor({ status: "Failed" })].map((a) => [
        a.name,
        Boolean(a.confirm),
      ]),
    );
    expect(asks).toEqual({ stop: true, terminate: true, retry: true, resubmit: false });
    expect(actionPath("01abc", "resubmit")).toBe("/runs/01abc/resubmit");
  });
});

describe("artifacts and logs", () => {
  it("lists outputs first with their routes; an input shadowed by an output of its name is not linked", () => {
    const s = step("wf-1", {
      outputArtifacts: [{ name: "table", key: "artifacts/r1/wf-1/table", size: 2048, path: "/tmp/t.csv" }],
      inputArtifacts: [
        { name: "table", key: "artifacts/r1/wf-0/table" },
        { name: "source", key: "artifacts/r1/wf-0/source" },
        { name: "git", path: "/src" },
      ],
    });
    expect(artifactLinks("r1", s)).toEqual([
      {
        name: "table",
        direction: "output",
        href: "/runs/r1/steps/wf-1/artifacts/table",
        size: 2048,
        path: "/tmp/t.csv",
        stored: true,
      },
      { name: "table", direction: "input", href: "/runs/r1/steps/wf-1/artifacts/table", stored: false },
      { name: "source", direction: "input", href: "/runs/r1/steps/wf-1/artifacts/source", stored: true },
      {
        name: "git",
        direction: "input",
        href: "/runs/r1/steps/wf-1/artifacts/git",
        path: "/src",
        stored: false,
      },
    ]);
    expect(artifactPath("r 1", "s/1", "a?b")).toBe("/runs/r%201/steps/s%2F1/artifacts/a%3Fb");
    expect(logsPath("r1", "s1")).toBe("/runs/r1/steps/s1/logs");
  });

  it("follows the presigned form's URL and saves bytes otherwise", () => {
    expect(
      downloadAnswer("application/json; charset=utf-8", { url: "https://b.s3.amazonaws.com/k?X=1" }),
    ).toEqual({ kind: "url", url: "https://b.s3.amazonaws.com/k?X=1" });
    expect(() => downloadAnswer("application/json", { url: "javascript:alert(1)" })).toThrow(
      /without a download URL/,
    );
    expect(downloadAnswer("application/octet-stream")).toEqual({ kind: "bytes" });
    expect(downloadName("reports", "application/gzip")).toBe("reports.tgz");
    expect(downloadName("table", "application/octet-stream")).toBe("table");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(2048)).toBe("2.0 KB");
    expect(formatBytes(50 * 1024 * 1024)).toBe("50 MB");
  });
});

describe("run snapshots", () => {
  const run = (over: Partial<RunRecord> = {}, steps: StepRecord[] = []) => ({
    runId: "r1",
    pipeline: "etl",
    version: "v1",
    status: "Running" as const,
    parameters: {},
    engine: { kind: "local" as const, namespace: "default" },
    createdAt: "2026-01-01T00:00:00Z",
    ...over,
    steps,
  });

  it("changes its signature when a phase, a message, a child or the status changes, not otherwise", () => {
    const base = runSignature(run({}, [step("a", { phase: "Running", children: [] })]));
    expect(runSignature(run({}, [step("a", { phase: "Running", children: [] })]))).toBe(base);
    expect(runSignature(run({}, [step("a", { phase: "Succeeded" })]))).not.toBe(base);
    expect(runSignature(run({}, [step("a", { phase: "Running", children: ["b"] })]))).not.toBe(base);
    expect(runSignature(run({}, [step("a", { phase: "Running", message: "x" })]))).not.toBe(base);
    expect(runSignature(run({ status: "Failed" }, [step("a", { phase: "Running" })]))).not.toBe(base);
  });

  it("tells finished runs and active steps", () => {
    expect(isFinished("Succeeded")).toBe(true);
    expect(isFinished("Terminated")).toBe(true);
    expect(isFinished("Running")).toBe(false);
    expect(isFinished("Pending")).toBe(false);
    expect(isStepActive({ phase: "Running" })).toBe(true);
    expect(isStepActive({ phase: "Failed" })).toBe(false);
  });
});

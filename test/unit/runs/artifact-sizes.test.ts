import { describe, expect, it } from "vitest";
import type { StatusUpdate } from "../../../lib/ports/run-store";
import { withArtifactSizes } from "../../../lib/runs/artifact-sizes";

const update = (): StatusUpdate => ({
  runId: "r1",
  status: "Succeeded",
  steps: [
    {
      runId: "r1",
      stepId: "produce",
      name: "produce",
      displayName: "produce",
      type: "Pod",
      phase: "Succeeded",
      outputArtifacts: [
        { name: "table", key: "artifacts/r1/p/table" },
        { name: "reports", key: "artifacts/r1/p/reports" },
        { name: "theirs", key: "data/x", bucket: "their-bucket" },
        { name: "known", key: "artifacts/r1/p/known", size: 7 },
      ],
    },
    {
      runId: "r1",
      stepId: "consume",
      name: "consume",
      displayName: "consume",
      type: "Pod",
      phase: "Succeeded",
      inputArtifacts: [{ name: "table", key: "artifacts/r1/p/table", path: "/tmp/in.csv" }],
    },
    { runId: "r1", stepId: "root", name: "root", displayName: "root", type: "DAG", phase: "Succeeded" },
  ],
});

describe("withArtifactSizes", () => {
  it("looks each object of the Skiff bucket up once and sizes every artifact stored there", async () => {
    const asked: string[] = [];
    const sized = await withArtifactSizes(update(), {
      sizeOf: async (key) => {
        asked.push(key);
        return key.endsWith("/table") ? 4 : undefined;
      },
    });
    // Not the other bucket's object, not one whose size is known; the shared key once.
    expect(asked.sort()).toEqual(["artifacts/r1/p/reports", "artifacts/r1/p/table"]);
    expect(sized.steps[0]?.outputArtifacts).toEqual([
      { name: "table", key: "artifacts/r1/p/table", size: 4 },
      { name: "reports", key: "artifacts/r1/p/reports" },
      { name: "theirs", key: "data/x", bucket: "their-bucket" },
      { name: "known", key: "artifacts/r1/p/known", size: 7 },
    ]);
    expect(sized.steps[1]?.inputArtifacts).toEqual([
      { name: "table", key: "artifacts/r1/p/table", path: "/tmp/in.csv", size: 4 },
    ]);
    expect(sized.steps[2]).toEqual(update().steps[2]);
  });

  it("leaves a size unknown when its lookup fails, and looks up at most `max` objects", async () => {
    const failing = await withArtifactSizes(update(), {
      sizeOf: async (key) => {
        if (key.endsWith("/table")) throw new Error("S3 is down");
        return 9;
      },
    });
    expect(failing.steps[0]?.outputArtifacts?.map((a) => a.size)).toEqual([undefined, 9, undefined, 7]);

    const asked: string[] = [];
    await withArtifactSizes(update(), {
      max: 1,
      sizeOf: async (key) => {
        asked.push(key);
        return 1;
      },
    });
    expect(asked).toEqual(["artifacts/r1/p/table"]);
  });
});

import { describe, expect, it } from "vitest";
import type { WorkflowTemplate } from "../../../lib/argo";
import { templateView } from "../../../lib/pipelines/template-view";
import type { PipelineRecord } from "../../../lib/ports/pipeline-store";

const installed = (labels?: Record<string, string>): WorkflowTemplate => ({
  apiVersion: "argoproj.io/v1alpha1",
  kind: "WorkflowTemplate",
  metadata: {
    name: "lib",
    namespace: "skiff",
    creationTimestamp: "2026-01-02T03:04:05Z",
    ...(labels ? { labels } : {}),
  },
  spec: {
    templates: [
      {
        name: "run",
        container: { image: "alpine" },
        inputs: { parameters: [{ name: "a" }, { name: "b", default: "x" }, { name: "c", value: "y" }] },
      },
      { name: "flow", dag: { tasks: [] } },
      { name: "wait", suspend: {} },
    ],
  },
});
const owner = (latestGoodVersion?: string): PipelineRecord => ({
  name: "lib-pipeline",
  updatedAt: "2026-01-01T00:00:00Z",
  ...(latestGoodVersion ? { latestGoodVersion } : {}),
});
const labels = { "skiff.dev/pipeline": "lib-pipeline", "skiff.dev/version": "v2" };

describe("templateView", () => {
  it("is current when the installed version is its pipeline's latest good version", () => {
    expect(templateView(installed(labels), owner("v2"))).toEqual({
      name: "lib",
      kind: "WorkflowTemplate",
      namespace: "skiff",
      pipeline: "lib-pipeline",
      version: "v2",
      latestGoodVersion: "v2",
      state: "current",
      createdAt: "2026-01-02T03:04:05Z",
      templates: [
        {
          name: "run",
          type: "container",
          inputs: [
            { name: "a", required: true },
            { name: "b", required: false, default: "x" },
            { name: "c", required: false },
          ],
        },
        { name: "flow", type: "dag", inputs: [] },
        { name: "wait", type: "suspend", inputs: [] },
      ],
    });
  });

  it("is outdated when the pipeline's latest good version is another", () => {
    expect(templateView(installed(labels), owner("v3"))).toMatchObject({
      state: "outdated",
      latestGoodVersion: "v3",
    });
  });

  it("is unmanaged without Skiff's labels, or when its pipeline is unknown", () => {
    expect(templateView(installed(), undefined).state).toBe("unmanaged");
    expect(templateView(installed(labels), undefined)).toMatchObject({
      state: "unmanaged",
      pipeline: "lib-pipeline",
    });
  });
});

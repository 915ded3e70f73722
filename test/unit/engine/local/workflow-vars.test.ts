import { describe, expect, it } from "vitest";
import { workflowVariables } from "../../../../lib/engine/local/workflow-vars";

describe("workflow variables", () => {
  it("exposes Argo's workflow.* names", () => {
    const vars = workflowVariables({
      metadata: {
        name: "wf-abc",
        namespace: "ns",
        uid: "u-1",
        creationTimestamp: "2026-03-04T05:06:07Z",
        labels: { team: "a" },
        annotations: { note: "n" },
      },
      spec: {
        entrypoint: "main",
        arguments: {
          parameters: [
            { name: "p", value: "v" },
            { name: "d", default: "x" },
          ],
        },
      },
    });
    expect(vars).toMatchObject({
      "workflow.name": "wf-abc",
      "workflow.namespace": "ns",
      "workflow.uid": "u-1",
      "workflow.mainEntrypoint": "main",
      "workflow.status": "Running",
      "workflow.creationTimestamp": "2026-03-04T05:06:07Z",
      "workflow.creationTimestamp.Y": "2026",
      "workflow.creationTimestamp.j": "063",
      "workflow.parameters.p": "v",
      "workflow.parameters.d": "x",
      "workflow.parameters.json": '[{"name":"p","value":"v"},{"name":"d","value":"x"}]',
      "workflow.labels.team": "a",
      "workflow.annotations.note": "n",
      "workflow.labels.json": '{"team":"a"}',
    });
  });
});

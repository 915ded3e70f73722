import { container, cronWorkflow, workflow } from "skiff";
import { describe, expect, it } from "vitest";
import type { CronWorkflow, Workflow } from "../../../lib/argo";
import { argoValidator } from "./argo-schema";

const validate = argoValidator();
const hello = container({ name: "hello", image: "alpine", command: ["echo", "hi"] });
const metadata = {
  labels: { team: "data" },
  labelsFrom: { stage: { expression: "workflow.parameters.stage" } },
};

describe("workflowMetadata", () => {
  it("is the WorkflowSpec field on a Workflow: labels, annotations and labelsFrom of the running workflow", () => {
    const spec = workflow({
      generateName: "w-",
      entrypoint: hello,
      workflowMetadata: metadata,
    }).toSpec() as Workflow;
    expect(spec.spec.workflowMetadata).toEqual(metadata);
    expect(validate(spec).errors).toEqual([]);
  });

  it("is the CronWorkflow's own field on a cron, kept out of its workflowSpec", () => {
    const spec = cronWorkflow({
      name: "nightly",
      schedules: "0 2 * * *",
      entrypoint: hello,
      workflowMetadata: { labels: { team: "data" } },
    }).toSpec() as CronWorkflow;
    expect(spec.spec.workflowMetadata).toEqual({ labels: { team: "data" } });
    expect(spec.spec.workflowSpec.workflowMetadata).toBeUndefined();
    expect(validate(spec).errors).toEqual([]);
  });
});

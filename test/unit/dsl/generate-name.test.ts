import {
  clusterWorkflowTemplate,
  container,
  cronWorkflow,
  DslError,
  steps,
  workflow,
  workflowTemplate,
} from "skiff";
import { describe, expect, it } from "vitest";
import { formatDiagnostic, lintSpec } from "../../../lib/compiler";
import { argoValidator } from "./argo-schema";

const validate = argoValidator();
const hello = container({ name: "hello", image: "alpine", command: ["echo", "hi"] });

describe("generateName for every kind of resource", () => {
  it("WorkflowTemplate, ClusterWorkflowTemplate and CronWorkflow take generateName instead of name", () => {
    const resources = [
      workflowTemplate({ generateName: "lib-", entrypoint: hello }),
      clusterWorkflowTemplate({ generateName: "cluster-lib-", entrypoint: hello }),
      cronWorkflow({ generateName: "nightly-", schedules: "0 1 * * *", entrypoint: hello }),
    ];
    for (const resource of resources) {
      const spec = resource.toSpec();
      expect(spec.metadata).toEqual({ generateName: expect.stringMatching(/-$/) });
      expect(validate(spec).errors).toEqual([]);
      expect(lintSpec(spec, resource.sites()).map(formatDiagnostic)).toEqual([]);
    }
  });

  it("needs a name or a generateName (a type error, and a DslError for plain JavaScript)", () => {
    // @ts-expect-error: neither name nor generateName.
    const nameless = workflowTemplate({ entrypoint: hello });
    expect(() => nameless.toSpec()).toThrow(/a WorkflowTemplate needs a name or a generateName/);
  });

  it("refuses a reference to a template that has no name until it is stored", () => {
    const library = workflowTemplate({ generateName: "lib-", templates: [hello] });
    expect(() => library.templateRef(hello)).toThrow(DslError);
    expect(() => library.templateRef(hello)).toThrow(/templateRef needs the WorkflowTemplate's name/);
    const run = workflow({ generateName: "run-", workflowTemplateRef: library });
    expect(() => run.toSpec()).toThrow(/workflowTemplateRef needs the WorkflowTemplate's name/);
    const named = workflowTemplate({ name: "lib", templates: [hello] });
    const main = steps("main", (s) => {
      s.step("hello", named.templateRef(hello));
    });
    expect(workflow({ generateName: "r-", entrypoint: main }).toSpec().spec).toMatchObject({
      templates: [{ steps: [[{ templateRef: { name: "lib", template: "hello" } }]] }],
    });
  });
});

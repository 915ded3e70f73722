import { describe, expect, it } from "vitest";
import { ImportError, importSource, parseDocuments } from "../../../lib/import";

const WORKFLOW = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: a-}
spec: {entrypoint: main, templates: [{name: main, container: {image: alpine}}]}
`;

describe("parseDocuments", () => {
  it("reads every document of a stream with the line it starts on", () => {
    const docs = parseDocuments(
      `# a comment\n${WORKFLOW}---\n${WORKFLOW.replace("kind: Workflow", "kind: WorkflowTemplate")}`,
      "w.yaml",
    );
    expect(docs.map((doc) => [doc.kind, doc.line])).toEqual([
      ["Workflow", 2],
      ["WorkflowTemplate", 7],
    ]);
  });

  it("skips empty documents", () => {
    expect(parseDocuments(`---\n${WORKFLOW}---\n`, "w.yaml")).toHaveLength(1);
  });

  it("refuses a kind that is not one of Argo's workflow kinds, naming file and line", () => {
    const text = `${WORKFLOW}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n`;
    expect(() => parseDocuments(text, "mixed.yaml")).toThrow(
      'mixed.yaml:6: cannot import kind "ConfigMap": skiff import reads Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow',
    );
  });

  it("names the line and column of malformed YAML", () => {
    const error = (() => {
      try {
        parseDocuments("kind: Workflow\nspec:\n  templates: [\n", "bad.yaml");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).message).toMatch(/^bad\.yaml:4:1: not valid YAML: /);
  });

  it("refuses a document without a spec, and one that is not a mapping", () => {
    expect(() => parseDocuments("kind: Workflow\nmetadata: {name: x}\n", "w.yaml")).toThrow(
      "w.yaml:1: the Workflow has no spec",
    );
    expect(() => parseDocuments("- a\n- b\n", "list.yaml")).toThrow(
      "list.yaml:1: a document must be a mapping",
    );
  });

  it("reads what Argo's reader accepts and a strict YAML reader does not (a quoted scalar continued at the block's indentation)", () => {
    const text = `kind: Workflow\nspec:\n  templates:\n  - name: a\n    container:\n      image: alpine\n      args: ["echo one &&\n      echo two"]\n`;
    const [doc] = parseDocuments(text, "lenient.yaml");
    const template = (doc.object.spec as { templates: { container: { args: string[] } }[] }).templates[0];
    expect(template.container.args).toEqual(["echo one && echo two"]);
  });
});

describe("importSource errors", () => {
  it("names the template a problem is in by its line and column", () => {
    const text = `apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata: {name: c}
spec:
  schedules: ["* * * * *"]
  workflowSpec:
    entrypoint: a
    templates:
    - name: a
      container: {image: alpine}
    - name: a
      container: {image: busybox}
`;
    expect(() => importSource(text, "cron.yaml")).toThrow(
      'cron.yaml:11:7: spec.workflowSpec.templates[1] has the name "a" of an earlier template',
    );
  });
});

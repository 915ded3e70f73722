import { afterAll, describe, expect, it } from "vitest";
import { LocalEngine } from "../../../lib/engine/local";
import { runInline } from "./run-inline";

// Argo's workflow/controller/operator.go updateWorkflowMetadata, on the workflow's first reconciliation:
// `spec.workflowMetadata.labels` and `annotations` are set on the workflow, then every `labelsFrom` expression is
// evaluated (expr, over the workflow's variables, the labels just set included) and must give a string that is a
// valid label value; the labels are then visible as `{{workflow.labels.<name>}}`. Any failure ends the workflow
// Error with Argo's message (markWorkflowError) before anything runs.

const engine = new LocalEngine({ concurrency: 4, cleanWorkDirs: true });
afterAll(() => engine.close());

const withLabelsFrom = (labelsFrom: string) => `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: labels-from-}
spec:
  entrypoint: main
  arguments:
    parameters: [{name: env, value: prod}]
  workflowMetadata:
    labels: {team: data}
    annotations: {owner: ops}
    labelsFrom:
${labelsFrom}
  templates:
    - name: main
      container: {image: alpine, command: [echo, "{{workflow.labels.stage}}"]}
`;

describe("workflowMetadata (operator.go updateWorkflowMetadata)", () => {
  it("sets labels computed by labelsFrom expressions, usable as workflow.labels.*", async () => {
    const wf = await runInline(
      engine,
      withLabelsFrom(`
      stage: {expression: "workflow.parameters.env + '-' + workflow.labels.team"}
      name-length: {expression: "string(len(workflow.parameters.env))"}`),
    );
    expect(wf.status?.phase).toBe("Succeeded");
    expect(wf.metadata.labels).toMatchObject({ team: "data", stage: "prod-data", "name-length": "4" });
    expect(wf.metadata.annotations).toMatchObject({ owner: "ops" });
    const lines: string[] = [];
    for await (const line of engine.logs({ namespace: "default", name: wf.metadata.name ?? "" }))
      lines.push(line.text);
    expect(lines).toEqual(["prod-data"]);
  });

  it("ends the workflow Error when an expression does not give a string", async () => {
    const wf = await runInline(engine, withLabelsFrom(`      stage: {expression: "1 + 1"}`));
    expect(wf.status?.phase).toBe("Error");
    expect(wf.status?.message).toBe(
      'failed to evaluate label "stage" expression "1 + 1" evaluted to int but must be a string',
    );
    expect(Object.keys(wf.status?.nodes ?? {})).toEqual([]);
  });

  it("ends the workflow Error when an expression gives an invalid label value", async () => {
    const wf = await runInline(engine, withLabelsFrom(`      stage: {expression: "'not a label'"}`));
    expect(wf.status?.phase).toBe("Error");
    expect(wf.status?.message).toMatch(
      /^invalid label value "not a label" for label "stage" and expression "'not a label'": a valid label must/,
    );
  });
});

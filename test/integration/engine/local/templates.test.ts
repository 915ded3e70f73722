import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Workflow, WorkflowTemplate } from "../../../../lib/argo";
import { LocalEngine } from "../../../../lib/engine/local";
import { WorkflowRejectedError } from "../../../../lib/ports/engine-errors";
import { nodeByDisplayName, refOf, removeScratchDirs, scratchDir, sh, workflow } from "./helpers";

const dir = await scratchDir("templates");
const engine = new LocalEngine({ workDir: join(dir, "work"), stateDir: join(dir, "state") });
const engines: LocalEngine[] = [engine];

afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  await removeScratchDirs();
});

function template(name: string, spec: WorkflowTemplate["spec"], kind = "WorkflowTemplate"): WorkflowTemplate {
  return { apiVersion: "argoproj.io/v1alpha1", kind: kind as "WorkflowTemplate", metadata: { name }, spec };
}

async function run(e: LocalEngine, wf: Workflow): Promise<Workflow> {
  const submitted = await e.submit(wf, { runId: `run-${wf.metadata.generateName}${Math.random()}` });
  return e.wait(refOf(submitted));
}

async function logText(e: LocalEngine, wf: Workflow): Promise<string> {
  const lines: string[] = [];
  for await (const line of e.logs(refOf(wf))) lines.push(line.text);
  return lines.join("\n");
}

describe("shared templates on the local engine", () => {
  it("runs a templateRef's template in its WorkflowTemplate's scope: its own references resolve there", async () => {
    await engine.installTemplate(
      template("shared-greet", {
        templates: [
          {
            name: "greet",
            inputs: { parameters: [{ name: "who" }] },
            steps: [
              [
                {
                  name: "inner",
                  template: "echo",
                  arguments: { parameters: [{ name: "who", value: "{{inputs.parameters.who}}" }] },
                },
              ],
            ],
          },
          sh("echo", "echo from-shared {{inputs.parameters.who}}", {
            inputs: { parameters: [{ name: "who" }] },
          }),
        ],
      }),
    );
    const done = await run(
      engine,
      workflow("uses-ref", [
        {
          name: "main",
          steps: [
            [
              {
                name: "a",
                templateRef: { name: "shared-greet", template: "greet" },
                arguments: { parameters: [{ name: "who", value: "ada" }] },
              },
            ],
          ],
        },
        // Same name as the WorkflowTemplate's: the referenced template must not pick this one.
        sh("echo", "echo from-workflow"),
      ]),
    );
    expect(done.status?.phase).toBe("Succeeded");
    const a = nodeByDisplayName(done, "a");
    expect(a.templateRef).toEqual({ name: "shared-greet", template: "greet" });
    expect(a.templateName).toBeUndefined();
    expect(a.templateScope).toBe(`local/${done.metadata.name}`);
    const inner = nodeByDisplayName(done, "inner");
    expect(inner.templateName).toBe("echo");
    expect(inner.templateScope).toBe("namespaced/shared-greet");
    expect(Object.keys(done.status?.storedTemplates ?? {}).sort()).toEqual([
      "namespaced/shared-greet/echo",
      "namespaced/shared-greet/greet",
    ]);
    const text = await logText(engine, done);
    expect(text).toContain("from-shared ada");
    expect(text).not.toContain("from-workflow");
  });

  it("passes a referenced task's outputs to the next task of a DAG", async () => {
    await engine.installTemplate(
      template("shared-make", {
        templates: [
          sh("make", "printf 42 > /tmp/n", {
            outputs: { parameters: [{ name: "n", valueFrom: { path: "/tmp/n" } }] },
          }),
        ],
      }),
    );
    const done = await run(
      engine,
      workflow("dag-ref", [
        {
          name: "main",
          dag: {
            tasks: [
              { name: "make", templateRef: { name: "shared-make", template: "make" } },
              {
                name: "use",
                depends: "make",
                template: "use",
                arguments: { parameters: [{ name: "n", value: "{{tasks.make.outputs.parameters.n}}" }] },
              },
            ],
          },
        },
        sh("use", "echo got-{{inputs.parameters.n}}", { inputs: { parameters: [{ name: "n" }] } }),
      ]),
    );
    expect(done.status?.phase).toBe("Succeeded");
    expect(await logText(engine, done)).toContain("got-42");
  });

  it("joins a workflowTemplateRef's spec under the workflow's own fields (its argument wins, the rest is the template's)", async () => {
    await engine.installTemplate(
      template("shared-whole", {
        entrypoint: "main",
        arguments: {
          parameters: [
            { name: "greeting", value: "hi" },
            { name: "name", value: "world" },
          ],
        },
        templates: [sh("main", "echo {{workflow.parameters.greeting}}-{{workflow.parameters.name}}")],
      }),
    );
    const done = await run(engine, {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Workflow",
      metadata: { generateName: "whole-" },
      spec: {
        workflowTemplateRef: { name: "shared-whole" },
        arguments: { parameters: [{ name: "greeting", value: "hello" }] },
      },
    });
    expect(done.status?.phase).toBe("Succeeded");
    expect(done.status?.storedWorkflowTemplateSpec?.entrypoint).toBe("main");
    expect(done.spec.workflowTemplateRef).toEqual({ name: "shared-whole" });
    expect(await logText(engine, done)).toContain("hello-world");
  });

  it("refuses a workflowTemplateRef beside templates of the workflow's own, with Argo's message", async () => {
    await expect(
      run(engine, {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Workflow",
        metadata: { generateName: "mixed-" },
        spec: { workflowTemplateRef: { name: "shared-whole" }, templates: [sh("extra", "echo extra")] },
      }),
    ).rejects.toThrow("Templates is invalid field in spec if workflow referred WorkflowTemplate reference");
  });

  it("keeps the templates a run started with; a new install changes later runs", async () => {
    const spec = (word: string) => ({ templates: [sh("say", `sleep 0.3; echo ${word}`)] });
    await engine.installTemplate(template("shared-version", spec("first")));
    const uses = workflow("versioned", [
      { name: "main", steps: [[{ name: "s", templateRef: { name: "shared-version", template: "say" } }]] },
    ]);
    const started = await engine.submit(uses, { runId: "run-versioned-1" });
    await engine.installTemplate(template("shared-version", spec("second")));
    const first = await engine.wait(refOf(started));
    expect(await logText(engine, first)).toContain("first");
    const second = await run(engine, uses);
    expect(await logText(engine, second)).toContain("second");
    expect(
      (await engine.getTemplate({ kind: "WorkflowTemplate", name: "shared-version" }))?.spec.templates?.[0]
        ?.container?.args?.[0],
    ).toContain("second");
  });

  it("retries a failed run from the templates it stored, even once the WorkflowTemplate is gone", async () => {
    const marker = join(dir, "second-try");
    await engine.installTemplate(
      template("shared-flaky", {
        templates: [
          sh("flaky", `if [ -e ${marker} ]; then echo recovered; else touch ${marker}; exit 1; fi`),
        ],
      }),
    );
    const failed = await run(
      engine,
      workflow("flaky", [
        { name: "main", steps: [[{ name: "s", templateRef: { name: "shared-flaky", template: "flaky" } }]] },
      ]),
    );
    expect(failed.status?.phase).toBe("Failed");
    await engine.deleteTemplate({ kind: "WorkflowTemplate", name: "shared-flaky" });
    await engine.retry(refOf(failed));
    const retried = await engine.wait(refOf(failed));
    expect(retried.status?.phase).toBe("Succeeded");
    expect(await logText(engine, retried)).toContain("recovered");
  });

  it("refuses a workflow whose reference does not resolve, naming what is missing", async () => {
    const missing = workflow("missing", [
      { name: "main", steps: [[{ name: "s", templateRef: { name: "no-such-template", template: "x" } }]] },
    ]);
    await expect(engine.submit(missing, { runId: "run-missing" })).rejects.toThrow(
      /workflow template no-such-template not found/,
    );
    const wrongName = workflow("wrong", [
      { name: "main", steps: [[{ name: "s", templateRef: { name: "shared-make", template: "nope" } }]] },
    ]);
    await expect(engine.submit(wrongName, { runId: "run-wrong" })).rejects.toThrow(
      /template nope not found in workflow template shared-make/,
    );
    const whole = { ...missing, spec: { workflowTemplateRef: { name: "gone" } } } as Workflow;
    await expect(engine.submit(whole, { runId: "run-gone" })).rejects.toBeInstanceOf(WorkflowRejectedError);
  });

  it("deletes a template: later references fail, deleting again reports none", async () => {
    await engine.installTemplate(template("shared-doomed", { templates: [sh("x", "echo x")] }));
    expect(await engine.deleteTemplate({ kind: "WorkflowTemplate", name: "shared-doomed" })).toBe(true);
    expect(await engine.deleteTemplate({ kind: "WorkflowTemplate", name: "shared-doomed" })).toBe(false);
    expect(await engine.getTemplate({ kind: "WorkflowTemplate", name: "shared-doomed" })).toBeUndefined();
    const uses = workflow("doomed", [
      { name: "main", steps: [[{ name: "s", templateRef: { name: "shared-doomed", template: "x" } }]] },
    ]);
    await expect(engine.submit(uses, { runId: "run-doomed" })).rejects.toThrow(/shared-doomed not found/);
  });

  it("refuses ClusterWorkflowTemplates unless the deployment enables them; enabled, clusterScope references resolve", async () => {
    const cluster = template(
      "shared-cluster",
      { templates: [sh("c", "echo cluster-wide")] },
      "ClusterWorkflowTemplate",
    );
    await expect(engine.installTemplate(cluster)).rejects.toThrow(/not enabled/);
    const enabled = new LocalEngine({ workDir: join(dir, "work-cluster"), clusterTemplates: true });
    engines.push(enabled);
    await enabled.installTemplate(cluster);
    const done = await run(
      enabled,
      workflow("cluster-ref", [
        {
          name: "main",
          steps: [
            [{ name: "s", templateRef: { name: "shared-cluster", template: "c", clusterScope: true } }],
          ],
        },
      ]),
    );
    expect(done.status?.phase).toBe("Succeeded");
    expect(nodeByDisplayName(done, "s").templateRef?.clusterScope).toBe(true);
    expect(await logText(enabled, done)).toContain("cluster-wide");
  });

  it("keeps installed templates in its state folder: a new engine on it resolves them", async () => {
    const again = new LocalEngine({ workDir: join(dir, "work-again"), stateDir: join(dir, "state") });
    engines.push(again);
    expect(await again.getTemplate({ kind: "WorkflowTemplate", name: "shared-greet" })).toMatchObject({
      kind: "WorkflowTemplate",
      metadata: { name: "shared-greet", namespace: "default" },
    });
  });
});

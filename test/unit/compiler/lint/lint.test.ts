import { describe, expect, it } from "vitest";
import { lintSpec } from "../../../../lib/compiler/lint";

// biome-ignore lint/suspicious/noExplicitAny: the cases poke at arbitrary spec fields
type Json = Record<string, any>;

/** A valid workflow: a DAG (a → b) calling a container template with one input. */
function base(): Json {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: { generateName: "base-" },
    spec: {
      entrypoint: "main",
      arguments: { parameters: [{ name: "who", value: "world" }] },
      templates: [
        {
          name: "main",
          dag: {
            tasks: [
              {
                name: "a",
                template: "say",
                arguments: { parameters: [{ name: "msg", value: "{{workflow.parameters.who}}" }] },
              },
              {
                name: "b",
                template: "say",
                depends: "a",
                arguments: { parameters: [{ name: "msg", value: "{{tasks.a.outputs.result}}" }] },
              },
            ],
          },
        },
        {
          name: "say",
          inputs: { parameters: [{ name: "msg" }] },
          container: { image: "alpine:3.20", command: ["echo", "{{inputs.parameters.msg}}"] },
        },
      ],
    },
  };
}

const errorsOf = (manifest: unknown) => lintSpec(manifest).filter((d) => d.severity === "error");

const CASES: [string, (m: Json) => void, string, string | undefined, RegExp][] = [
  [
    "two template types",
    (m) => {
      m.spec.templates[1].script = { image: "x", source: "y" };
    },
    "template.type",
    "spec.templates[1]",
    /2 types \(container, script\)/,
  ],
  [
    "no template type",
    (m) => {
      delete m.spec.templates[1].container;
    },
    "template.type",
    "spec.templates[1]",
    /has no type/,
  ],
  [
    "depends and dependencies on one task",
    (m) => {
      m.spec.templates[0].dag.tasks[1].dependencies = ["a"];
    },
    "dag.depends",
    "spec.templates[0].dag.tasks[1]",
    /both depends and dependencies/,
  ],
  [
    "depends and dependencies mixed in a DAG",
    (m) => {
      delete m.spec.templates[0].dag.tasks[1].depends;
      m.spec.templates[0].dag.tasks[1].dependencies = ["a"];
      m.spec.templates[0].dag.tasks.push({
        name: "c",
        template: "say",
        depends: "b",
        arguments: { parameters: [{ name: "msg", value: "x" }] },
      });
    },
    "dag.depends",
    "spec.templates[0].dag.tasks[2]",
    /mixes depends and dependencies/,
  ],
  [
    "dependency on an unknown task",
    (m) => {
      delete m.spec.templates[0].dag.tasks[1].depends;
      m.spec.templates[0].dag.tasks[1].dependencies = ["zed"];
    },
    "reference.task",
    "spec.templates[0].dag.tasks[1].dependencies[0]",
    /unknown task "zed"/,
  ],
  [
    "depends on an unknown task",
    (m) => {
      m.spec.templates[0].dag.tasks[1].depends = "a && zed.Succeeded";
    },
    "reference.task",
    "spec.templates[0].dag.tasks[1].depends",
    /unknown task "zed"/,
  ],
  [
    "depends with an unknown result",
    (m) => {
      m.spec.templates[0].dag.tasks[1].depends = "a.Finished";
    },
    "depends.result",
    "spec.templates[0].dag.tasks[1].depends",
    /unknown result "Finished"/,
  ],
  [
    "malformed depends",
    (m) => {
      m.spec.templates[0].dag.tasks[1].depends = "(a &&";
    },
    "depends.syntax",
    "spec.templates[0].dag.tasks[1].depends",
    /malformed depends/,
  ],
  [
    "reference to an unknown task",
    (m) => {
      m.spec.templates[0].dag.tasks[1].arguments.parameters[0].value = "{{tasks.nope.outputs.result}}";
    },
    "reference.unknown",
    "spec.templates[0].dag.tasks[1].arguments.parameters[0].value",
    /has no task "nope"/,
  ],
  [
    "reference to a task that is not a dependency",
    (m) => {
      m.spec.templates[0].dag.tasks[0].arguments.parameters[0].value = "{{tasks.b.outputs.result}}";
    },
    "reference.unknown",
    "spec.templates[0].dag.tasks[0].arguments.parameters[0].value",
    /not a dependency/,
  ],
  [
    "reference to an unknown input",
    (m) => {
      m.spec.templates[1].container.command[1] = "{{inputs.parameters.mgs}}";
    },
    "reference.unknown",
    "spec.templates[1].container.command[1]",
    /no input parameter "mgs"/,
  ],
  [
    "reference to an unknown workflow parameter",
    (m) => {
      m.spec.templates[0].dag.tasks[0].arguments.parameters[0].value = "{{workflow.parameters.whom}}";
    },
    "reference.unknown",
    "spec.templates[0].dag.tasks[0].arguments.parameters[0].value",
    /no parameter "whom"/,
  ],
  [
    "tasks referenced outside a DAG",
    (m) => {
      m.spec.templates[1].container.command[1] = "{{tasks.a.outputs.result}}";
    },
    "reference.unknown",
    "spec.templates[1].container.command[1]",
    /is not a DAG/,
  ],
  [
    "a name longer than 63",
    (m) => {
      m.metadata = { name: "x".repeat(64) };
    },
    "name.length",
    "metadata.name",
    /64 characters; at most 63/,
  ],
  [
    "a name that is not DNS-1123",
    (m) => {
      m.metadata = { name: "Hello_World" };
    },
    "name.format",
    "metadata.name",
    /DNS-1123/,
  ],
  [
    "a template name with an underscore",
    (m) => {
      m.spec.templates[1].name = "say_it";
      m.spec.templates[0].dag.tasks.forEach((t: Json) => {
        t.template = "say_it";
      });
    },
    "name.format",
    "spec.templates[1].name",
    /letters, digits and '-'/,
  ],
  [
    "duplicate template names",
    (m) => {
      m.spec.templates.push({ ...m.spec.templates[1] });
    },
    "name.duplicate",
    "spec.templates[2].name",
    /duplicate template name "say"/,
  ],
  [
    "duplicate task names",
    (m) => {
      m.spec.templates[0].dag.tasks[1].name = "a";
      m.spec.templates[0].dag.tasks[1].depends = undefined;
    },
    "name.duplicate",
    "spec.templates[0].dag.tasks[1].name",
    /duplicate task name "a"/,
  ],
  [
    "more than 200 tasks in a DAG",
    (m) => {
      for (let i = 0; i < 200; i++)
        m.spec.templates[0].dag.tasks.push({
          name: `t${i}`,
          template: "say",
          arguments: { parameters: [{ name: "msg", value: "x" }] },
        });
    },
    "limits.tasks",
    "spec.templates[0].dag.tasks",
    /at most 200 tasks \(has 202\)/,
  ],
  [
    "more than 200 templates",
    (m) => {
      for (let i = 0; i < 200; i++) m.spec.templates.push({ name: `s${i}`, suspend: {} });
    },
    "limits.templates",
    "spec.templates",
    /at most 200 templates \(has 202\)/,
  ],
  [
    "a spec over 1 MB",
    (m) => {
      m.spec.templates[1].container.env = [{ name: "BIG", value: "x".repeat(1024 * 1024) }];
    },
    "limits.size",
    undefined,
    /accepts at most 1048576/,
  ],
  [
    "a missing entrypoint",
    (m) => {
      delete m.spec.entrypoint;
    },
    "entrypoint.missing",
    "spec.entrypoint",
    /required/,
  ],
  [
    "an unknown entrypoint",
    (m) => {
      m.spec.entrypoint = "mian";
    },
    "entrypoint.unknown",
    "spec.entrypoint",
    /"mian" is not a template/,
  ],
  [
    "templates beside a workflowTemplateRef (Argo's ValidateWorkflowTemplateRefFields)",
    (m) => {
      m.spec.workflowTemplateRef = { name: "shared" };
    },
    "workflowTemplateRef.templates",
    "spec.templates",
    /^Templates is invalid field in spec if workflow referred WorkflowTemplate reference/,
  ],
  [
    "a task calling an unknown template",
    (m) => {
      m.spec.templates[0].dag.tasks[0].template = "sya";
    },
    "reference.template",
    "spec.templates[0].dag.tasks[0].template",
    /unknown template "sya"/,
  ],
  [
    "a dependency cycle",
    (m) => {
      m.spec.templates[0].dag.tasks[0].depends = "b";
      m.spec.templates[0].dag.tasks[1].arguments.parameters[0].value = "x";
    },
    "dag.cycle",
    "spec.templates[0].dag.tasks[0]",
    /cycle: a → b → a/,
  ],
  [
    "a field of the wrong type (schema)",
    (m) => {
      m.spec.templates[1].container.image = 42;
    },
    "schema",
    "spec.templates[1].container.image",
    /must be string/,
  ],
  [
    "a missing required field (schema)",
    (m) => {
      delete m.spec.templates[1].container.image;
    },
    "schema",
    "spec.templates[1].container",
    /required field "image"/,
  ],
  [
    "an unknown kind",
    (m) => {
      m.kind = "Job";
    },
    "schema.kind",
    "kind",
    /kind must be one of/,
  ],
];

describe("lintSpec", () => {
  it("passes the valid base workflow", () => {
    expect(errorsOf(base())).toEqual([]);
  });

  it.each(CASES)("flags %s", (_name, mutate, code, path, message) => {
    const spec = base();
    mutate(spec);
    const found = errorsOf(spec).find((d) => d.code === code);
    expect(found, JSON.stringify(errorsOf(spec))).toBeDefined();
    expect(found?.path).toBe(path);
    expect(found?.message).toMatch(message);
  });

  it("limits CronWorkflow names to 52 characters and checks the workflowSpec inside", () => {
    const { spec } = base();
    const cron = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "CronWorkflow",
      metadata: { name: "c".repeat(53) },
      spec: { schedules: ["0 * * * *"], workflowSpec: { ...spec, entrypoint: "nope" } },
    };
    const codes = errorsOf(cron).map((d) => `${d.code}@${d.path}`);
    expect(codes).toContain("name.length@metadata.name");
    expect(codes).toContain("entrypoint.unknown@spec.workflowSpec.entrypoint");
  });

  it("only warns about undeclared workflow parameters in a WorkflowTemplate (supplied at submission)", () => {
    const spec = base();
    spec.kind = "WorkflowTemplate";
    spec.metadata = { name: "tpl" };
    spec.spec.templates[0].dag.tasks[0].arguments.parameters[0].value = "{{workflow.parameters.whom}}";
    const found = lintSpec(spec).filter((d) => d.code === "reference.unknown");
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe("warning");
  });

  it("checks steps: references only to earlier groups", () => {
    const spec = base();
    spec.spec.templates[0] = {
      name: "main",
      steps: [
        [
          {
            name: "one",
            template: "say",
            arguments: { parameters: [{ name: "msg", value: "{{steps.two.outputs.result}}" }] },
          },
        ],
        [
          {
            name: "two",
            template: "say",
            arguments: { parameters: [{ name: "msg", value: "{{steps.one.outputs.result}}" }] },
          },
        ],
      ],
    };
    const errors = errorsOf(spec);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: "reference.unknown",
      path: "spec.templates[0].steps[0][0].arguments.parameters[0].value",
    });
    expect(errors[0].message).toMatch(/step "two" does not run before this step/);
  });

  it("attaches the user-code site of the deepest enclosing spec path", () => {
    const spec = base();
    spec.spec.templates[0].dag.tasks[0].template = "sya";
    const sites = {
      "spec.templates[0]": { file: "pipeline.ts", line: 3, column: 14 },
      "spec.templates[0].dag.tasks[0]": { file: "pipeline.ts", line: 4, column: 5 },
    };
    const found = lintSpec(spec, sites).find((d) => d.code === "reference.template");
    expect(found).toMatchObject({ file: "pipeline.ts", line: 4, column: 5 });
  });
});

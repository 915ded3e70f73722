import { container, dag, ex, inputs, param, workflow } from "skiff";

export const hera = "upstream/expression_tag_template_workflow.yaml";

const pod = container({
  name: "pod-0",
  image: "argoproj/argosay:v2",
  args: [
    "echo",
    `hello ${ex.asInt(inputs.parameter("foo")).times(10).tag()} @ ${ex.sprig.date("2006", ex.ref("workflow.creationTimestamp")).tag()}\n`,
    "/output",
  ],
  inputs: { foo: param() },
  outputs: { output: param({ valueFrom: { path: "/output" } }) },
});

const main = dag("main", (d) => {
  d.task("task-0", pod, {
    withParam: ex.toJson(ex.filter([1, 3], ex.it.gt(1))),
    args: { foo: ex.item },
  });
});

export default workflow({
  generateName: "expression-tag-template-",
  annotations: { "workflows.argoproj.io/version": ">= 3.1.0" },
  labels: { "workflows.argoproj.io/test": "true" },
  entrypoint: main,
});

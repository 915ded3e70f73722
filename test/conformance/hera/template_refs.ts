import { param, steps, templateRef, workflow } from "skiff";

export const hera = "misc/template_refs.yaml";

const inputs = { s: param() };
const hello = templateRef({
  name: "hello-world-workflow-template",
  template: "hello",
  clusterScope: false,
  inputs,
});
const clusterHello = templateRef({
  name: "hello-world-cluster-workflow-template",
  template: "hello",
  clusterScope: true,
  inputs,
});

const main = steps("steps", (s) => {
  s.step("hello-template-ref", hello, { args: { s: "this is using a WorkflowTemplate" } });
  s.step("hello-cluster-template-ref", clusterHello, {
    args: { s: "this is using a ClusterWorkflowTemplate" },
  });
});

export default workflow({ generateName: "use-workflow-templates-", namespace: "argo", entrypoint: main });

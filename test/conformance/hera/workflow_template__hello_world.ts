import { container, param, steps, workflow, workflowTemplate } from "skiff";

export const hera = "upstream/workflow_template__hello_world.yaml";

// The stored template library, as a plain TS value (it would live in a sibling file of the pipeline).
const printMessage = container({
  name: "print-message",
  image: "busybox",
  command: ["echo"],
  args: ["{{inputs.parameters.message}}"],
  inputs: { message: param() },
});
const library = workflowTemplate({ name: "workflow-template-print-message", templates: [printMessage] });

const main = steps("hello-world-from-templateRef", (s) => {
  s.step("call-print-message", library.templateRef(printMessage), { args: { message: "hello world" } });
});

export default workflow({ generateName: "workflow-template-hello-world-", entrypoint: main });

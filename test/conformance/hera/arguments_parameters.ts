import { container, param, workflow, workflowArguments } from "skiff";

export const hera = "upstream/arguments_parameters.yaml";

const args = workflowArguments({ message: "hello world" });

const printMessage = container({
  name: "print-message",
  image: "busybox",
  command: ["echo"],
  args: ["{{inputs.parameters.message}}"],
  inputs: { message: param() },
});

export default workflow({ generateName: "arguments-parameters-", entrypoint: printMessage, arguments: args });

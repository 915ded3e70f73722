import { container, workflow, workflowArguments } from "skiff";

export const hera = "upstream/global_parameters.yaml";

const args = workflowArguments({ message: "hello world" });
const printMessage = container({
  name: "print-message",
  image: "busybox",
  command: ["echo"],
  args: [args.refs.message],
});

export default workflow({ generateName: "global-parameters-", entrypoint: printMessage, arguments: args });

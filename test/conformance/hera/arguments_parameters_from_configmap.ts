import { container, param, workflow } from "skiff";

export const hera = "upstream/arguments_parameters_from_configmap.yaml";

const printMessage = container({
  name: "print-message-from-configmap",
  image: "busybox",
  command: ["echo"],
  args: ["{{inputs.parameters.message}}"],
  inputs: { message: param({ valueFrom: { configMapKeyRef: { name: "simple-parameters", key: "msg" } } }) },
});

export default workflow({ generateName: "arguments-parameters-from-configmap-", entrypoint: printMessage });

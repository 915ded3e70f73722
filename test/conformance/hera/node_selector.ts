import { container, param, workflow } from "skiff";

export const hera = "upstream/node_selector.yaml";

const printArch = container({
  name: "print-arch",
  image: "alpine:latest",
  command: ["sh", "-c"],
  args: ["uname -a"],
  inputs: { arch: param() },
  nodeSelector: { "beta.kubernetes.io/arch": "{{inputs.parameters.arch}}" },
});

export default workflow({
  generateName: "node-selector-",
  entrypoint: printArch,
  arguments: { arch: "amd64" },
});

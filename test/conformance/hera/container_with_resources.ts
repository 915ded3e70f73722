import { container, workflow } from "skiff";

export const hera = "misc/container_with_resources.yaml";

const c = container({
  name: "c",
  image: "alpine:3.7",
  command: ["sh", "-c"],
  args: ["echo Hello, world!"],
  resources: { requests: { cpu: "1", "ephemeral-storage": "5Gi", memory: "5Gi" } },
});

export default workflow({ generateName: "container-with-resources-", entrypoint: c });

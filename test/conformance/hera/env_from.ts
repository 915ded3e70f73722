import { container, workflow } from "skiff";

export const hera = "misc/env_from.yaml";

const whalesay = container({
  name: "whalesay",
  image: "argoproj/argosay:v2",
  command: ["cowsay"],
  envFrom: [
    { prefix: "abc", secretRef: { name: "secret", optional: false } },
    { prefix: "abc", configMapRef: { name: "configmap", optional: false } },
  ],
});

export default workflow({ generateName: "secret-env-from-", entrypoint: whalesay });

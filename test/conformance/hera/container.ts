import { container, workflow } from "skiff";

export const hera = "misc/container.yaml";

const cowsay = container({ name: "cowsay", image: "argoproj/argosay:v2", command: ["cowsay", "foo"] });

export default workflow({ generateName: "container-", entrypoint: cowsay });

import { container, workflow } from "skiff";

export const hera = "upstream/timeouts_step.yaml";

const sleep = container({
  name: "sleep",
  image: "argoproj/argosay:v2",
  command: ["bash", "-c"],
  args: ["echo 123; sleep 1d"],
  activeDeadlineSeconds: 10,
});

export default workflow({ generateName: "timeouts-step-", entrypoint: sleep });

import { container, steps, suspend, workflow } from "skiff";

export const hera = "upstream/suspend_template.yaml";

const hello = container({ name: "hello-world", image: "busybox", command: ["echo"], args: ["hello world"] });
const approve = suspend({ name: "approve" });
const delay = suspend({ name: "delay", duration: 20 });

const main = steps("suspend", (s) => {
  s.step("build", hello);
  s.step("approve", approve);
  s.step("delay", delay);
  s.step("release", hello);
});

export default workflow({ generateName: "suspend-template-", entrypoint: main });

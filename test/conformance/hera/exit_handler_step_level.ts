import { container, param, steps, workflow } from "skiff";

export const hera = "upstream/exit_handler_step_level.yaml";

const exit = container({ name: "exit", image: "busybox", command: ["echo"], args: ["step cleanup"] });
const printMessage = container({
  name: "print-message",
  image: "busybox",
  command: ["echo"],
  args: ["{{inputs.parameters.message}}"],
  inputs: { message: param() },
});

const main = steps("main", (s) => {
  const hooks = { exit: { template: exit } };
  s.step("hello1", printMessage, { args: { message: "hello1" }, hooks });
  s.parallel((p) => {
    p.step("hello2a", printMessage, { args: { message: "hello2a" }, hooks });
    p.step("hello2b", printMessage, { args: { message: "hello2b" }, hooks });
  });
});

export default workflow({ generateName: "exit-handler-step-level-", entrypoint: main });

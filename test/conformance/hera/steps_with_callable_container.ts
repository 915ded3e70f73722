import { container, param, steps, workflow } from "skiff";

export const hera = "steps/steps_with_callable_container.yaml";

const whalesay = container({
  name: "whalesay",
  image: "argoproj/argosay:v2",
  command: ["cowsay"],
  args: ["{{inputs.parameters.message}}"],
  inputs: { message: param() },
});

const main = steps("hello-hello-hello", (s) => {
  s.step("hello1", whalesay, { args: { message: "hello1" } });
  s.parallel((p) => {
    for (const message of ["hello2a", "hello2b"]) p.step(message, whalesay, { args: { message } });
  });
});

export default workflow({ generateName: "steps-", entrypoint: main });

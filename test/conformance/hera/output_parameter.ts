import { container, param, steps, workflow } from "skiff";

export const hera = "upstream/output_parameter.yaml";

const helloToFile = container({
  name: "hello-world-to-file",
  image: "busybox",
  command: ["sh", "-c"],
  args: ["sleep 1; echo -n hello world > /tmp/hello_world.txt"],
  outputs: { "hello-param": param({ valueFrom: { default: "Foobar", path: "/tmp/hello_world.txt" } }) },
});
const printMessage = container({
  name: "print-message",
  image: "busybox",
  command: ["echo"],
  args: ["{{inputs.parameters.message}}"],
  inputs: { message: param() },
});

const main = steps("output-parameter", (s) => {
  const generate = s.step("generate-parameter", helloToFile);
  s.step("consume-parameter", printMessage, { args: { message: generate.outputs["hello-param"] } });
});

export default workflow({ generateName: "output-parameter-", entrypoint: main });

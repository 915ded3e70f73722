import { artifact, container, steps, workflow } from "skiff";

export const hera = "upstream/artifact_passing.yaml";

const helloToFile = container({
  name: "hello-world-to-file",
  image: "busybox",
  command: ["sh", "-c"],
  args: ["sleep 1; echo hello world | tee /tmp/hello_world.txt"],
  outputs: { "hello-art": artifact({ path: "/tmp/hello_world.txt" }) },
});
const printFromFile = container({
  name: "print-message-from-file",
  image: "alpine:latest",
  command: ["sh", "-c"],
  args: ["cat /tmp/message"],
  inputs: { message: artifact({ path: "/tmp/message" }) },
});

const main = steps("artifact-example", (s) => {
  const generate = s.step("generate-artifact", helloToFile);
  s.step("consume-artifact", printFromFile, { args: { message: generate.outputs["hello-art"] } });
});

export default workflow({ generateName: "artifact-passing-", entrypoint: main });

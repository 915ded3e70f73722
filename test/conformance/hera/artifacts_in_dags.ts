import { artifact, container, dag, workflow } from "skiff";

export const hera = "artifacts/artifacts_in_dags.yaml";

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

// A DAG's outputs may reference its own tasks: the block returns them.
const generate = dag("generate-artifact-dag", (d) => {
  const hello = d.task("hello-world-to-file", helloToFile);
  return { "hello-file": artifact({ from: hello.outputs["hello-art"] }) };
});
const consume = dag({ name: "consume-artifact-dag", inputs: { "hello-file-input": artifact() } }, (d) => {
  d.task("print-message-from-file", printFromFile, { args: { message: d.inputs["hello-file-input"] } });
});

const runner = dag("runner-dag", (d) => {
  const g = d.task("generate-artifact-dag", generate);
  d.task("consume-artifact-dag", consume, { args: { "hello-file-input": g.outputs["hello-file"] } });
});

export default workflow({ generateName: "artifacts-in-dags-", entrypoint: runner });

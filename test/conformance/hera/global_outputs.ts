import { artifact, container, param, steps, workflow, workflowRef } from "skiff";

export const hera = "upstream/global_outputs.yaml";

const globalOutput = container({
  name: "global-output",
  image: "alpine:3.7",
  command: ["sh", "-c"],
  args: ["sleep 1; echo -n hello world > /tmp/hello_world.txt"],
  outputs: {
    "hello-art": artifact({ globalName: "my-global-art", path: "/tmp/hello_world.txt" }),
    "hello-param": param({ globalName: "my-global-param", valueFrom: { path: "/tmp/hello_world.txt" } }),
  },
});
const consumeParam = container({
  name: "consume-global-param",
  image: "alpine:3.7",
  command: ["sh", "-c"],
  args: ["echo {{inputs.parameters.param}}"],
  inputs: { param: param({ value: workflowRef.outputParameter("my-global-param") }) },
});
const consumeArt = container({
  name: "consume-global-art",
  image: "alpine:3.7",
  command: ["sh", "-c"],
  args: ["cat /art"],
  inputs: { art: artifact({ path: "/art" }) },
});

const consumeGlobals = steps("consume-globals", (s) => {
  s.parallel((p) => {
    p.step("consume-global-param", consumeParam);
    p.step("consume-global-art", consumeArt, { args: { art: workflowRef.outputArtifact("my-global-art") } });
  });
});

const generateGlobals = steps("generate-globals", (s) => {
  s.step("generate", globalOutput);
  s.step("consume-globals", consumeGlobals);
});

export default workflow({
  generateName: "global-outputs-",
  entrypoint: generateGlobals,
  onExit: consumeGlobals,
});

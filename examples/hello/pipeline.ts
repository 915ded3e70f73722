import { container, param, workflow } from "skiff";

// The smallest pipeline: one container template, one workflow parameter.
const say = container({
  name: "say",
  image: "alpine",
  command: ["echo"],
  args: ["hello, {{inputs.parameters.who}}"],
  inputs: { who: param("world") },
});

export default workflow({ generateName: "hello-", entrypoint: say, arguments: { who: "world" } });

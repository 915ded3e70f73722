import { declare, param, script, steps, workflow } from "skiff";

export const hera = "upstream/recursive_for_loop.yaml";

// Declared first, defined below: `plan` (written before it) and `loop` itself both run it.
const loop = declare({ name: "loop", inputs: { counter: param(), limit: param() } });

const plan = steps("plan", (s) => {
  s.step("recurse", loop, { args: { counter: "0", limit: "10" } });
});

const counterIteration = script({
  name: "counter-iteration",
  image: "python:alpine3.6",
  command: ["python"],
  inputs: { counter: param() },
  source: "print({{inputs.parameters.counter}} + 1)\n",
});

steps(loop, (s) => {
  const iterate = s.step("iterate-counter", counterIteration, { args: { counter: s.inputs.counter } });
  s.step("continue", loop, {
    when: `${iterate.result} < ${s.inputs.limit}`,
    args: { counter: iterate.result, limit: s.inputs.limit },
  });
});

export default workflow({ generateName: "recursive-loop-", entrypoint: plan });

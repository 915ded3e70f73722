import { param, steps, workflow } from "skiff";
import { helloScript } from "./_hello";

export const hera = "steps/inner_steps.yaml";

const mySteps = steps({ name: "my-steps", inputs: { "my-step-input": param() } }, (s) => {
  const input = s.inputs["my-step-input"];
  s.step("hello-1", helloScript, { args: { name: `hello-1-${input}` } });
  s.step("hello-2", helloScript, { args: { name: `hello-2-${input}` } });
});

const calling = steps("calling-steps", (s) => {
  s.step("call-1", mySteps, { args: { "my-step-input": "call-1" } });
  s.step("call-2", mySteps, { args: { "my-step-input": "call-2" } });
});

export default workflow({ generateName: "callable-inner-steps-", entrypoint: calling });

import { container, param, steps, suspend, workflow } from "skiff";

export const hera = "upstream/suspend_template_outputs.yaml";

const printMessage = container({
  name: "print-message",
  image: "busybox",
  command: ["echo"],
  args: ["{{inputs.parameters.message}}"],
  inputs: { message: param() },
});
const approve = suspend({ name: "approve", outputs: { message: param({ valueFrom: { supplied: {} } }) } });

const main = steps("suspend", (s) => {
  const approval = s.step("approve", approve);
  s.step("release", printMessage, { args: { message: approval.outputs.message } });
});

export default workflow({ name: "suspend-outputs", entrypoint: main });

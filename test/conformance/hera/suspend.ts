import { param, suspend, workflow } from "skiff";

export const hera = "misc/suspend.yaml";

const withoutDuration = suspend({ name: "suspend-without-duration" });
const withDuration = suspend({ name: "suspend-with-duration", duration: 30 });
const supplied = { approve: param({ valueFrom: { supplied: {} } }) };
const withEnum = suspend({
  name: "suspend-with-intermediate-param-enum",
  inputs: { approve: param({ default: "NO", enum: ["YES", "NO"] }) },
  outputs: supplied,
});
const withParam = suspend({
  name: "suspend-with-intermediate-param",
  inputs: { approve: param() },
  outputs: supplied,
});

export default workflow({
  generateName: "suspend-",
  entrypoint: withoutDuration,
  templates: [withoutDuration, withDuration, withEnum, withParam],
});

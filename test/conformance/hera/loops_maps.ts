import { container, itemField, param, steps, workflow } from "skiff";

export const hera = "upstream/loops_maps.yaml";

const catOsRelease = container({
  name: "cat-os-release",
  image: "{{inputs.parameters.image}}:{{inputs.parameters.tag}}",
  command: ["cat"],
  args: ["/etc/os-release"],
  inputs: { image: param(), tag: param() },
});

const main = steps("loop-map-example", (s) => {
  s.step("test-linux", catOsRelease, {
    args: { image: itemField("image"), tag: itemField("tag") },
    withItems: [
      { image: "debian", tag: "9.1" },
      { image: "debian", tag: "8.9" },
      { image: "alpine", tag: "3.6" },
      { image: "ubuntu", tag: "17.10" },
    ],
  });
});

export default workflow({ generateName: "loops-maps-", entrypoint: main });

import { container, dag, item, param, workflow } from "skiff";

export const hera = "loops/dynamic_fanout_container.yaml";

const generate = container({
  name: "generate",
  image: "alpine:latest",
  command: ['len=$((8 + RANDOM % 4)); json=$(seq 1 "$len" | paste -sd, -); echo "[$json]"'],
});
const fanout = container({
  name: "fanout",
  image: "alpine:latest",
  command: ["echo", "{{inputs.parameters.value}}"],
  inputs: { value: param() },
});

const d = dag("d", (t) => {
  const g = t.task("generate", generate);
  // No explicit edge: referencing g's result in withParam makes "fanout" depend on "generate".
  t.task("fanout", fanout, { withParam: g.result, args: { value: item } });
});

export default workflow({ generateName: "dynamic-fanout-container-", entrypoint: d });

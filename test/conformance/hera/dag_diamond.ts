import { container, dag, param, workflow } from "skiff";

export const hera = "upstream/dag_diamond.yaml";

const echo = container({
  name: "echo",
  image: "alpine:3.7",
  command: ["echo", "{{inputs.parameters.message}}"],
  inputs: { message: param() },
});

const diamond = dag("diamond", (d) => {
  const a = d.task("A", echo, { args: { message: "A" } });
  const b = d.task("B", echo, { args: { message: "B" } });
  const c = d.task("C", echo, { args: { message: "C" } });
  const e = d.task("D", echo, { args: { message: "D" } });
  a.before([b, c], e);
});

export default workflow({ generateName: "dag-diamond-", entrypoint: diamond });

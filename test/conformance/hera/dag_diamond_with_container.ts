import { chain, container, dag, param, workflow } from "skiff";

export const hera = "dags/dag_diamond_with_container.yaml";

const echo = container({
  name: "echo",
  image: "alpine:3.7",
  command: ["echo", "{{inputs.parameters.message}}"],
  inputs: { message: param() },
});

const diamond = dag("diamond", (d) => {
  const [a, b, c, e] = ["A", "B", "C", "D"].map((name) => d.task(name, echo, { args: { message: name } }));
  chain(a, [b, c], e);
});

export default workflow({ generateName: "dag-diamond-", entrypoint: diamond });

import { container, dag, param, workflow } from "skiff";

export const hera = "dags/passing_parameters_between_tasks.yaml";

const out = container({
  name: "out",
  image: "argoproj/argosay:v2",
  command: ["cowsay"],
  outputs: { x: param({ value: 42 }) },
});
const consume = container({
  name: "in",
  image: "argoproj/argosay:v2",
  command: ["cowsay"],
  args: ["{{inputs.parameters.a}}"],
  inputs: { a: param() },
});

const d = dag("d", (t) => {
  const a = t.task("a", out);
  t.task("b", consume, { args: { a: a.outputs.x } });
});

export default workflow({ generateName: "param-passing-", entrypoint: d });

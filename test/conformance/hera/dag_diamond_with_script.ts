import { dag, py, pythonScript, workflow } from "skiff";

export const hera = "dags/dag_diamond_with_script.yaml";

const echo = pythonScript({
  name: "echo",
  image: "python:3.12",
  inputs: { message: py.str() },
  source: "print(message)",
});

const diamond = dag("diamond", (d) => {
  const [a, b, c, last] = ["A", "B", "C", "D"].map((name) => d.task(name, echo, { args: { message: name } }));
  a.before([b, c], last);
});

export default workflow({ generateName: "dag-diamond-", entrypoint: diamond });

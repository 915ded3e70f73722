import { dag, py, python, pythonScript, workflow } from "skiff";

export const hera = "dags/passing_task_result.yaml";

const out = python({
  name: "out",
  image: "python:3.10",
  source: "import os\nimport sys\nsys.path.append(os.getcwd())\nprint(42)",
});
const consume = pythonScript({
  name: "in-",
  image: "python:3.10",
  inputs: { a: py.int() },
  source: "print(a)",
});

const d = dag("d", (t) => {
  const o = t.task("out", out);
  t.task("in-", consume, { args: { a: o.result } });
});

export default workflow({ generateName: "script-param-passing-", entrypoint: d });

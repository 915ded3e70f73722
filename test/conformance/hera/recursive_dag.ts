import { dag, ex, python, workflow } from "skiff";

export const hera = "dags/recursive_dag.yaml";

const randomRoll = python({
  name: "random-roll",
  image: "python:3.10",
  source: "import os\nimport sys\nsys.path.append(os.getcwd())\nimport random\nprint(random.randint(1, 6))",
});

// The DAG runs itself (`d.self`) until the roll is a six.
const roller = dag("dag", (d) => {
  const roll = d.task("roll", randomRoll);
  d.task("recurse-if-not-six", d.self, { when: ex(roll.result).ne(6) });
});

export default workflow({ generateName: "recursive-dag-", entrypoint: roller });

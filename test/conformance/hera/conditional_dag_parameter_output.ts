import { dag, eq, ex, param, python, workflow } from "skiff";

export const hera = "dags/conditional_dag_parameter_output.yaml";

const header = "import os\nimport sys\nsys.path.append(os.getcwd())\n";
const flipCoin = python({
  name: "flip-coin",
  image: "python:3.10",
  source: `${header}import random\nprint('heads' if random.randint(0, 1) == 0 else 'tails')`,
});
const heads = python({ name: "heads", image: "python:3.10", source: `${header}print('heads')` });
const tails = python({ name: "tails", image: "python:3.10", source: `${header}print('tails')` });

const main = dag("main", (d) => {
  const flip = d.task("flip-coin", flipCoin);
  const h = d.task("heads", heads, { when: eq(flip.result, "heads") });
  const t = d.task("tails", tails, { when: eq(flip.result, "tails") });
  // tasks['flip-coin'].outputs.result == 'heads' ? tasks.heads.outputs.result : tasks.tails.outputs.result
  const winner = ex(flip.result).eq("heads").check(h.result, t.result);
  return { stepresult: param({ valueFrom: { expression: winner } }) };
});

export default workflow({ generateName: "dag-conditional-parameter-", entrypoint: main });

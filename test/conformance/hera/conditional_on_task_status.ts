import { dag, script, workflow } from "skiff";

export const hera = "dags/conditional_on_task_status.yaml";

const python = (name: string, body: string) =>
  script({
    name,
    image: "python:3.10",
    command: ["python"],
    source: `import os\nimport sys\nsys.path.append(os.getcwd())\n${body}`,
  });

const random = python(
  "random",
  "import random\np = random.random()\nif p <= 0.5:\n    raise Exception('failure')",
);
const success = python("success", "print('succeeded!')");
const failure = python("failure", "print('failed!')");

const d = dag("d", (t) => {
  const r = t.task("random", random);
  t.task("success", success, { depends: r.succeeded });
  t.task("failure", failure, { depends: r.failed });
});

export default workflow({ generateName: "dag-conditional-on-task-status-", entrypoint: d });

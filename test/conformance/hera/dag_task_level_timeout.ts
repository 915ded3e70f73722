import { container, dag, param, workflow } from "skiff";

export const hera = "upstream/dag_task_level_timeout.yaml";

const echo = container({
  name: "echo",
  image: "alpine:3.7",
  command: ["sleep", "15s"],
  inputs: { timeout: param() },
  timeout: "{{inputs.parameters.timeout}}",
});

const diamond = dag("diamond", (d) => {
  const a = d.task("A", echo, { args: { timeout: "20s" } });
  const b = d.task("B", echo, { args: { timeout: "10s" } });
  const c = d.task("C", echo, { args: { timeout: "20s" } });
  a.before([b, c]);
});

export default workflow({ generateName: "dag-task-level-timeout-", entrypoint: diamond });

import { dag, eq, param, python, workflow, workflowRef } from "skiff";

export const hera = "misc/workflow_on_exit.yaml";

const echo = python({
  name: "echo",
  image: "python:3.10",
  inputs: { s: param() },
  source: `import os
import sys
sys.path.append(os.getcwd())
import json
try: s = json.loads(r'''{{inputs.parameters.s}}''')
except: s = r'''{{inputs.parameters.s}}'''

print(s)`,
});

const exitProcedure = dag("exit-procedure", (d) => {
  const succeeded = eq(workflowRef.status, "Succeeded");
  const errored = eq(workflowRef.status, "Error");
  d.task("t3", echo, { args: { s: 1 }, when: succeeded }).before(
    d.task("t4", echo, { args: { s: 2 }, when: succeeded }),
  );
  d.task("t5", echo, { args: { s: 3 }, when: errored }).before(
    d.task("t6", echo, { args: { s: 4 }, when: errored }),
  );
});

const main = dag("d", (d) => {
  d.task("t1", echo, { args: { s: "a" } }).before(d.task("t2", echo, { args: { s: "b" } }));
});

export default workflow({ generateName: "on-exit-", entrypoint: main, onExit: exitProcedure });

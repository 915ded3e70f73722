import { and, dag, or, param, script, workflow } from "skiff";

export const hera = "dags/complex_deps.yaml";

const foo = script({
  name: "foo",
  image: "python:3.10",
  command: ["python"],
  inputs: { p: param() },
  source: `import os
import sys
sys.path.append(os.getcwd())
import json
try: p = json.loads(r'''{{inputs.parameters.p}}''')
except: p = r'''{{inputs.parameters.p}}'''

if p < 0.5:
    raise Exception(p)
print(42)`,
});

const d = dag("d", (t) => {
  const a = t.task("a", foo, { args: { p: 0.6 } });
  const b = t.task("b", foo, { args: { p: 0.3 } });
  const c = t.task("c", foo, { args: { p: 0.7 } });
  t.task("d", foo, { args: { p: 0.9 }, depends: and(a, or(b, c)) });
  a.before([b, c]);
});

export default workflow({ generateName: "complex-deps-", entrypoint: d });

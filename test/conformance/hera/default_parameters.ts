import { dag, param, python, workflow } from "skiff";

export const hera = "scripts/default_parameters.yaml";

const header = "import os\nimport sys\nsys.path.append(os.getcwd())\n";
const generator = python({
  name: "generator",
  image: "python:3.10",
  source: `${header}print('Another message for the world!')`,
});
const consumer = python({
  name: "consumer",
  image: "python:3.10",
  inputs: { message: param("Hello, world!"), foo: param(42) },
  source: `${header}import json
try: foo = json.loads(r'''{{inputs.parameters.foo}}''')
except: foo = r'''{{inputs.parameters.foo}}'''
try: message = json.loads(r'''{{inputs.parameters.message}}''')
except: message = r'''{{inputs.parameters.message}}'''

print(message)
print(foo)`,
});

const d = dag("d", (t) => {
  const g = t.task("generator", generator);
  t.task("consume-default", consumer).after(g);
  t.task("consume-argument", consumer, { args: { message: g.result } });
});

export default workflow({ generateName: "default-param-overwrite-", entrypoint: d });

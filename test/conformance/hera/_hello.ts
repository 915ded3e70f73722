import { param, script } from "skiff";

// Shared by several ports: Hera's rendering of a `@script` that prints a greeting (a sibling-file template).
export const helloScript = script({
  name: "hello",
  image: "python:3.10",
  command: ["python"],
  inputs: { name: param() },
  source: `import os
import sys
sys.path.append(os.getcwd())
import json
try: name = json.loads(r'''{{inputs.parameters.name}}''')
except: name = r'''{{inputs.parameters.name}}'''

print('Hello, {name}!'.format(name=name))`,
});

import { dag, item, param, python, workflow } from "skiff";

export const hera = "loops/fan_in.yaml";

const header = "import os\nimport sys\nsys.path.append(os.getcwd())\nimport json\n";
const loads = (name: string) =>
  `try: ${name} = json.loads(r'''{{inputs.parameters.${name}}}''')\nexcept: ${name} = r'''{{inputs.parameters.${name}}}'''\n`;

const generate = python({
  name: "generate",
  image: "python:3.10",
  source: `${header}import sys\njson.dump([{'value': i} for i in range(10)], sys.stdout)`,
});
const fanout = python({
  name: "fanout",
  image: "python:3.10",
  inputs: { my_dict: param() },
  outputs: { value: param({ valueFrom: { path: "/tmp/value" } }) },
  source: `${header}${loads("my_dict")}
print('Received object: {my_dict}!'.format(my_dict=my_dict))
value = my_dict['value']
with open('/tmp/value', 'w') as f:
    f.write(str(value))`,
});
const fanin = python({
  name: "fanin",
  image: "python:3.10",
  inputs: { values: param() },
  source: `${header}${loads("values")}
print('Received values: {values}!'.format(values=values))`,
});

const d = dag("d", (t) => {
  const g = t.task("generate", generate);
  const out = t.task("fanout", fanout, { withParam: g.result, args: { my_dict: item } });
  // Fan-in: every iteration's `value`, as one JSON list.
  t.task("fanin", fanin, { args: { values: out.outputs.value } });
});

export default workflow({ generateName: "fan-in-", entrypoint: d });

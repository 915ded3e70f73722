import { dag, item, py, python, pythonScript, workflow } from "skiff";

export const hera = "loops/fanout_extra_kwargs.yaml";

const generate = python({
  name: "generate",
  image: "python:3.10",
  source:
    "import os\nimport sys\nsys.path.append(os.getcwd())\nimport json\nimport sys\njson.dump([i for i in range(10)], sys.stdout)",
});
const consume = pythonScript({
  name: "consume",
  image: "python:3.10",
  inputs: { value: py.json(), extra_param1: py.str(), extra_param2: py.int(42) },
  source:
    "print('Received value={value}, extra_param1={extra_param1}, extra_param2={extra_param2}!'.format(value=value, extra_param1=extra_param1, extra_param2=extra_param2))",
});

const d = dag("d", (t) => {
  const g = t.task("generate", generate);
  t.task("c1", consume, { withParam: g.result, args: { value: item, extra_param1: "hello world" } });
  t.task("c2", consume, {
    withParam: g.result,
    args: { value: item, extra_param1: "hello world", extra_param2: 123 },
  });
});

export default workflow({ generateName: "dynamic-fanout-", entrypoint: d });

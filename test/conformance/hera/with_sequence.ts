import { dag, item, param, script, workflow } from "skiff";

export const hera = "loops/with_sequence.yaml";

const header = "import os\nimport sys\nsys.path.append(os.getcwd())\n";
const genNum = script({
  name: "gen-num",
  image: "python:3.10",
  command: ["python"],
  source: `${header}import random\nprint(random.randint(4, 6))`,
});
const say = script({
  name: "say",
  image: "python:3.10",
  command: ["python"],
  inputs: { message: param() },
  source: `${header}import json
try: message = json.loads(r'''{{inputs.parameters.message}}''')
except: message = r'''{{inputs.parameters.message}}'''

print(message)`,
});

const d = dag("d", (t) => {
  const t1 = t.task("t1", genNum);
  t.task("t2", say, { args: { message: item }, withSequence: { count: t1.result, start: "0" } }).after(t1);
  t.task("t3", say, {
    args: { message: item },
    withSequence: { end: "1", format: "2020-05-%02X", start: t1.result },
  }).after(t1);
});

export default workflow({ generateName: "with-sequence-", entrypoint: d });

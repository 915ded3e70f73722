import { container, item, param, script, steps, workflow } from "skiff";

export const hera = "upstream/loops_param_result.yaml";

const sleepN = container({
  name: "sleep-n-sec",
  image: "alpine:latest",
  command: ["sh", "-c"],
  args: [
    "echo sleeping for {{inputs.parameters.seconds}} seconds; sleep {{inputs.parameters.seconds}}; echo done",
  ],
  inputs: { seconds: param() },
});
const genNumberList = script({
  name: "gen-number-list",
  image: "python:alpine3.6",
  command: ["python"],
  source: "import json\nimport sys\njson.dump([i for i in range(20, 31)], sys.stdout)",
});

const main = steps("loop-param-result-example", (s) => {
  const generate = s.step("generate", genNumberList);
  s.step("sleep", sleepN, { withParam: generate.result, args: { seconds: item } });
});

export default workflow({ generateName: "loops-param-result-", entrypoint: main });

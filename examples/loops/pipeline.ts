import { dag, item, itemField, param, python, shell, workflow } from "skiff";

// Fan-out over a static list (withItems) and over a list computed at run time (withParam), then fan-in.
const greet = shell({
  name: "greet",
  inputs: { lang: param(), word: param() },
  source: 'echo "{{inputs.parameters.lang}}: {{inputs.parameters.word}}"',
});

const listShards = python({
  name: "list-shards",
  inputs: { count: param("4") },
  source: 'import json\nprint(json.dumps(list(range(int("{{inputs.parameters.count}}")))))',
});

const square = python({
  name: "square",
  inputs: { shard: param() },
  outputs: { value: param({ valueFrom: { path: "/tmp/value" } }) },
  source: 'n = int("{{inputs.parameters.shard}}")\nopen("/tmp/value", "w").write(str(n * n))\nprint(n * n)',
});

const sum = python({
  name: "sum",
  inputs: { values: param() },
  source: 'import json\nprint(sum(int(v) for v in json.loads("""{{inputs.parameters.values}}""")))',
});

const main = dag("main", (d) => {
  d.task("greet", greet, {
    args: { lang: itemField("lang"), word: itemField("word") },
    withItems: [
      { lang: "en", word: "hello" },
      { lang: "fr", word: "bonjour" },
      { lang: "de", word: "hallo" },
    ],
  });
  const shards = d.task("list-shards", listShards, { args: { count: 5 } });
  const squares = d.task("square", square, { withParam: shards.result, args: { shard: item } });
  // Fan-in: the outputs of every iteration arrive as one JSON list.
  d.task("sum", sum, { args: { values: squares.outputs.value } });
});

export default workflow({ generateName: "loops-", entrypoint: main });

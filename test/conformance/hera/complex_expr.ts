import { container, ex, inputRefs, param, workflow, workflowArguments } from "skiff";

export const hera = "misc/complex_expr.yaml";

const args = workflowArguments({
  weather: '{"weekWeather": "eyJ0ZW1wcyI6IFszNCwgMjcsIDE1LCA1NywgNDZdfQ=="}',
});

// The week's five temperatures, decoded from the workflow argument, summarised in one expression.
const temps = ex.jsonpath(ex.sprig.b64dec(ex.jsonpath(args.refs.weather, "$.weekWeather")), "$.temps");
const days = [0, 1, 2, 3, 4].map((day) => ex.it.at(day));
const summary = ex
  .map(
    [temps],
    ex.toJson({ avg: ex.sprig.add(...days).div(5), min: ex.sprig.min(...days), max: ex.sprig.max(...days) }),
  )
  .at(0);
const io = { "week-temps": param({ value: summary }) };
const weekTemps = inputRefs(io)["week-temps"];

const report = container({
  name: "c",
  image: "alpine:3.7",
  command: [
    "echo",
    "The week's average temperature was $(AVG) with a minimum of $(MIN) and a maximum of $(MAX).",
  ],
  inputs: io,
  env: {
    MIN: ex.jsonpath(weekTemps, "$.min"),
    MAX: ex.jsonpath(weekTemps, "$.max"),
    AVG: ex.jsonpath(weekTemps, "$.avg"),
  },
});

export default workflow({
  generateName: "expression-reusing-verbose-snippets-",
  entrypoint: report,
  arguments: args,
});

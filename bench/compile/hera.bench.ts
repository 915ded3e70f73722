// Target 1 (issue 12): `skiff build` of the 500-task pipeline (generate.ts) as users run it, a whole process
// with the default flags (type-checked), and with --no-typecheck, against Hera 7 printing `to_yaml()` of the
// same graph, run from Hera's source (HERA_SRC) by python3: each spawn → exit, in turns, medians and the ratio of
// the medians. Both print their YAML on stdout. The inputs are kept in .bench/compile-hera/ with rerun.sh.
// With the default flags a build after the first is handed to the build daemon the first one started (the
// warm-up round starts it); the same builds with --no-daemon, as a first build runs, are reported beside them.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type Command,
  header,
  median,
  ms,
  node,
  outDir,
  printTable,
  type Row,
  RUNS,
  root,
  runOnce,
  skiff,
  timeInTurns,
  writeRerun,
} from "../support/targets";
import { generatePipeline } from "./generate";
import { findPython, generateHeraScript, HERA_HOWTO, leafTasks, shapeDifference, specShape } from "./hera";

const TASKS = 500;
header(`skiff build vs Hera 7 to_yaml(), ${TASKS} tasks, whole processes`);
const dir = outDir("compile-hera");
writeFileSync(join(dir, "pipeline.ts"), generatePipeline(TASKS));
writeFileSync(join(dir, "hera_pipeline.py"), generateHeraScript(TASKS));
console.log(`inputs and rerun.sh in ${dir}`);

const checked = { ...skiff("build", "pipeline.ts"), cwd: dir };
const unchecked = { ...skiff("build", "pipeline.ts", "--no-typecheck"), cwd: dir };
const checkedAlone = { ...skiff("build", "pipeline.ts", "--no-daemon"), cwd: dir };
const uncheckedAlone = { ...skiff("build", "pipeline.ts", "--no-typecheck", "--no-daemon"), cwd: dir };
const nodeStart: Command = { file: node, args: ["-e", "0"], cwd: dir };

const heraSrc = process.env.HERA_SRC;
const found = heraSrc ? findPython(heraSrc) : { python: undefined, problems: [] };
let hera: Command | undefined;
let pythonStart: Command | undefined;
if (heraSrc && found.python) {
  const env = { ...process.env, PYTHONPATH: heraSrc };
  hera = { file: found.python, args: ["hera_pipeline.py"], cwd: dir, env };
  pythonStart = { file: found.python, args: ["-c", "pass"], cwd: dir };
  console.log(`Hera: ${found.python} with PYTHONPATH=${heraSrc}`);
} else {
  console.log(
    heraSrc ? `no usable python3 for Hera:\n  ${found.problems.join("\n  ")}` : "HERA_SRC is not set.",
  );
  console.log(HERA_HOWTO);
}

// The two specs have the same structure (and the same 500 tasks) before anything is timed.
const skiffYaml = runOnce(checked).stdout;
const skiffShape = specShape(skiffYaml);
if (leafTasks(skiffShape) !== TASKS) throw new Error(`skiff's spec has ${leafTasks(skiffShape)} tasks`);
writeFileSync(join(dir, "skiff.yaml"), skiffYaml);
if (hera) {
  const heraYaml = runOnce(hera).stdout;
  writeFileSync(join(dir, "hera.yaml"), heraYaml);
  const heraShape = specShape(heraYaml);
  const difference = shapeDifference(skiffShape, heraShape);
  if (difference) throw new Error(`Hera's spec differs from skiff's: ${difference}`);
  console.log(
    `same structure: ${leafTasks(heraShape)} tasks in ${Object.keys(heraShape.templates).length} templates (skiff.yaml, hera.yaml)`,
  );
}
writeRerun(dir, [
  `skiff="${node} ${join(root, "bin", "skiff.js")}"`,
  "time $skiff build pipeline.ts >/dev/null",
  "time $skiff build pipeline.ts --no-typecheck >/dev/null",
  "time $skiff build pipeline.ts --no-daemon >/dev/null",
  "time $skiff build pipeline.ts --no-typecheck --no-daemon >/dev/null",
  `time env PYTHONPATH="\${HERA_SRC:?set HERA_SRC to the src folder of Hera 7}" "\${HERA_PYTHON:-${hera?.file ?? "python3"}}" hera_pipeline.py >/dev/null`,
]);

const commands = [
  checked,
  unchecked,
  checkedAlone,
  uncheckedAlone,
  ...(hera && pythonStart ? [hera, nodeStart, pythonStart] : [nodeStart]),
];
console.log(`\ntiming ${commands.length} commands in turns, ${RUNS} rounds after a warm-up round…`);
const { times, loadBefore, loadAfter } = timeInTurns(commands);
const [tChecked, tUnchecked, tCheckedAlone, tUncheckedAlone] = times;
const [tHera = [], tNode = [], tPython = []] = hera ? times.slice(4) : [[], times[4]];
const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");
console.log(`load average ${loadBefore} before the rounds, ${loadAfter} after`);
for (const [name, xs] of [
  ["skiff build (type check)", tChecked],
  ["skiff build --no-typecheck", tUnchecked],
  ["skiff build --no-daemon", tCheckedAlone],
  ["  … --no-typecheck --no-daemon", tUncheckedAlone],
  ["Hera to_yaml()", tHera],
  ["node -e 0", tNode],
  ["python3 -c pass", tPython],
] as const) {
  if (xs.length) console.log(`  ${name.padEnd(28)} median ${ms(median(xs))}  (${list(xs)})`);
}

const heraMedian = hera ? median(tHera) : Number.NaN;
const rows: Row[] = [
  {
    what: `\`skiff build\` ${TASKS} tasks (type check, the default), whole process`,
    figure: median(tChecked),
    baselineName: "Hera 7 `to_yaml()`",
    baseline: heraMedian,
    target: { ratio: 0.3 },
  },
  {
    what: `\`skiff build --no-typecheck\` ${TASKS} tasks, whole process`,
    figure: median(tUnchecked),
    baselineName: "Hera 7 `to_yaml()`",
    baseline: heraMedian,
    target: { ratio: 0.15 },
  },
  {
    what: `\`skiff build --no-daemon\` ${TASKS} tasks (as a first build runs), whole process`,
    figure: median(tCheckedAlone),
    baselineName: "Hera 7 `to_yaml()`",
    baseline: heraMedian,
  },
  {
    what: `\`skiff build --no-typecheck --no-daemon\` ${TASKS} tasks, whole process`,
    figure: median(tUncheckedAlone),
    baselineName: "Hera 7 `to_yaml()`",
    baseline: heraMedian,
  },
];
printTable(rows);
console.log(
  `\nstarts alone: node -e 0 ${ms(median(tNode))}${tPython.length ? `, python3 -c pass ${ms(median(tPython))}` : ""}`,
);

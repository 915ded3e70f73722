// Targets 2 and 3 (issue 12): `skiff run --local` as users run it, a whole process with the default flags
// (it waits for the run and exits 0 only when it Succeeded), each beside what they would run instead, in turns:
//  2. a one-step pipeline.ts (an `echo` container, run on the host as the local engine maps `alpine`; built
//     with the type check, as `run --local` builds) vs `node -e 0`;
//  3. a 500-node no-op DAG spec file (graph.ts: each node runs `true`, fan-in up to 3, spec.parallelism 8)
//     vs `make -j8` on the same graph.
// The inputs are kept in .bench/run-local/ with rerun.sh.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { toYaml } from "../../lib/compiler/yaml";
import {
  type Command,
  header,
  median,
  ms,
  node,
  outDir,
  printTable,
  RUNS,
  root,
  runOnce,
  skiff,
  timeInTurns,
  writeRerun,
} from "../support/targets";
import { dagWorkflow, graph, makefile } from "./graph";

const SIZE = 500;
const JOBS = 8;
header(`skiff run --local, whole processes: one step vs node -e 0; ${SIZE}-node DAG vs make -j${JOBS}`);
const dir = outDir("run-local");
writeFileSync(
  join(dir, "pipeline.ts"),
  `import { container, workflow } from "skiff";

const say = container({ name: "say", image: "alpine", command: ["echo", "hello"] });

export default workflow({ generateName: "hello-", entrypoint: say });
`,
);
const deps = graph(SIZE);
writeFileSync(join(dir, "dag.yaml"), toYaml(dagWorkflow(deps, JOBS)));
writeFileSync(join(dir, "Makefile"), makefile(deps));
console.log(
  `inputs and rerun.sh in ${dir} (dag.yaml: ${SIZE} nodes, ${deps.reduce((n, d) => n + d.length, 0)} edges)`,
);

// run --local keeps its state in .skiff/local under the working directory: here, the bench's folder.
const oneStep = { ...skiff("run", "--local", "pipeline.ts"), cwd: dir };
const nodeStart: Command = { file: node, args: ["-e", "0"], cwd: dir };
const dag = { ...skiff("run", "--local", "dag.yaml"), cwd: dir };
const make: Command = { file: "make", args: ["-s", `-j${JOBS}`, "-f", "Makefile", "all"], cwd: dir };
writeRerun(dir, [
  `skiff="${node} ${join(root, "bin", "skiff.js")}"`,
  "time $skiff run --local pipeline.ts >/dev/null",
  `time ${node} -e 0`,
  "time $skiff run --local dag.yaml >/dev/null",
  `time make -s -j${JOBS} -f Makefile all`,
]);

// Both runs succeed (exit 0: the run Succeeded) and run every step before anything is timed.
const hello = runOnce(oneStep).stdout;
const dagOut = runOnce(dag).stdout;
const progress = /Progress:\s+(\d+)\/(\d+)/.exec(dagOut);
if (progress && (progress[1] !== String(SIZE) || progress[2] !== String(SIZE))) {
  throw new Error(`the DAG run's progress is ${progress[0]}, expected ${SIZE}/${SIZE}`);
}
console.log(`one step: ${hello.split("\n").slice(0, 3).join("; ")}\nDAG: ${progress?.[0] ?? "exit 0"}`);

console.log(`\ntiming 4 commands in turns, ${RUNS} rounds after a warm-up round…`);
const { times, loadBefore, loadAfter } = timeInTurns([oneStep, nodeStart, dag, make]);
const [tOne, tNode, tDag, tMake] = times;
const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");
console.log(`load average ${loadBefore} before the rounds, ${loadAfter} after`);
for (const [name, xs] of [
  ["skiff run --local pipeline.ts", tOne],
  ["node -e 0", tNode],
  [`skiff run --local dag.yaml`, tDag],
  [`make -j${JOBS}`, tMake],
] as const) {
  console.log(`  ${name.padEnd(30)} median ${ms(median(xs))}  (${list(xs)})`);
}
printTable([
  {
    what: "`skiff run --local pipeline.ts`, one `echo` step (type check, the default), whole process",
    figure: median(tOne),
    baselineName: "`node -e 0`",
    baseline: median(tNode),
    target: { ratio: 5 },
  },
  {
    what: `\`skiff run --local dag.yaml\`, ${SIZE}-node no-op DAG, parallelism ${JOBS}, whole process`,
    figure: median(tDag),
    baselineName: `\`make -j${JOBS}\``,
    baseline: median(tMake),
    target: { ratio: 2 },
  },
]);

// Target 5 (issue 12): compilePipeline in process, warm, no type check, on generated pipelines of 500 and
// 2,000 tasks (generate.ts): the median of many builds in one process after a warm-up, beside esbuild's plain
// transform of the same source. Only compilePipeline and its options object are used (its default sandbox,
// shared by the builds of a process); the whole-process `skiff build` is in hera.bench.ts.
import { transform } from "esbuild";
import { compilePipeline, memorySourceFiles } from "../../lib/compiler";
import { header, load, median, ms, printTable, type Row } from "../support/targets";
import { generatePipeline } from "./generate";

const SIZES = [500, 2000];
const WARM_RUNS = Number(process.env.BENCH_WARM_RUNS ?? 25);
// Builds before the warm figure is taken: V8 keeps optimizing the compiler's and the DSL's code for the
// first few dozen builds of a process (a warm build function has served many). The first builds after
// three are reported beside it.
const WARM_UP_BUILDS = Number(process.env.BENCH_WARM_UP_BUILDS ?? 40);

async function timeAsync(fn: () => Promise<unknown>, runs = WARM_RUNS, warmUps = 3): Promise<number> {
  for (let i = 0; i < warmUps; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

header("compilePipeline in process, warm, no type check");
const rows: Row[] = [];
for (const n of SIZES) {
  const source = generatePipeline(n);
  const files = memorySourceFiles({ "pipeline.ts": source });
  const first = await compilePipeline({ entry: "pipeline.ts", files, typecheck: false });
  if (!first.ok) {
    throw new Error(`generated ${n}-task pipeline failed: ${JSON.stringify(first.diagnostics.slice(0, 3))}`);
  }
  // Reads the YAML: a result may render it on first read, and a build is not done before it has it.
  const build = async () => (await compilePipeline({ entry: "pipeline.ts", files, typecheck: false })).yaml;
  const firstBuilds = await timeAsync(build);
  const warm = await timeAsync(build, WARM_RUNS, WARM_UP_BUILDS);
  const esbuildTransform = await timeAsync(() => transform(source, { loader: "ts" }));
  console.log(
    `  ${String(n).padStart(5)} tasks: median of ${WARM_RUNS} builds after ${1 + 3 + WARM_RUNS + WARM_UP_BUILDS} others ${ms(warm)} (the first ${WARM_RUNS} after 3: ${ms(firstBuilds)}); esbuild transform ${ms(esbuildTransform)}; spec ${((first.yaml?.length ?? 0) / 1024) | 0} KiB`,
  );
  rows.push({
    what: `compilePipeline ${n} tasks, in process, warm, no type check`,
    figure: warm,
    baselineName: "esbuild transform",
    baseline: esbuildTransform,
    // The target is for 500 tasks; 2,000 tasks are reported.
    target: n === 500 ? { ms: 40 } : undefined,
    note: `first ${WARM_RUNS} after 3: ${ms(firstBuilds)}`,
  });
}
console.log(`load average after: ${load()}`);
printTable(rows);
// The default sandbox may keep a worker alive: end the process as a build function would be frozen.
process.exit(0);

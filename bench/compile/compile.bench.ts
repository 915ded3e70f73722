// bench/compile: `skiff build` on generated pipelines of 500 and 2,000 tasks, (a) as a whole process and
// (b) in-process with a warm sandbox, next to baselines measured in the same run: a bare `node -e 0`, the
// CLI printing its help, and a plain esbuild transform of the same source.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";
import { bundlePipeline } from "../../lib/build/bundle";
import { BUNDLE_FILENAME, compilePipeline } from "../../lib/build/compile";
import { lintManifest } from "../../lib/build/lint";
import { IsolateSandbox } from "../../lib/build/sandbox/sandbox";
import { memorySourceFiles } from "../../lib/build/source-files";
import { toYaml } from "../../lib/build/yaml";
import { generatePipeline } from "./generate";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const skiff = join(root, "bin", "skiff.js");
// The program bin/skiff.js runs for build/lint, started directly: without its code cache.
const buildOnly = join(root, "dist", "build", "cli.cjs");
const work = join(tmpdir(), `skiff-bench-compile-${process.pid}`);
const SIZES = [500, 2000];
const PROCESS_RUNS = Number(process.env.BENCH_PROCESS_RUNS ?? 7);
const WARM_RUNS = Number(process.env.BENCH_WARM_RUNS ?? 25);
// Builds before the warm figure is taken: V8 keeps optimizing the compiler's and the DSL's code for the
// first few dozen builds of a process (a warm build function has served many). The first builds after
// three are reported beside it.
const WARM_UP_BUILDS = Number(process.env.BENCH_WARM_UP_BUILDS ?? 40);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const ms = (value: number) => `${value.toFixed(1)} ms`;

// Node reads and parses the certificates NODE_EXTRA_CA_CERTS names before it runs any code, ~60 ms per
// start on a machine that sets it to the whole system bundle (this one does). The figures below are for
// the environment as it is; the lines marked "without NODE_EXTRA_CA_CERTS" show what it costs.
const EXTRA_CA = "NODE_EXTRA_CA_CERTS";
const withoutExtraCa = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== EXTRA_CA));

interface Command {
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** The program to run. Default: this Node, with `args` as its arguments. */
  file?: string;
}

// bin/skiff.js run as a command, as `skiff build` runs once installed: its sh prologue starts the Node first
// on PATH (this one), without NODE_EXTRA_CA_CERTS for build and lint.
const asCommand = (args: string[]): Command => ({
  file: skiff,
  args,
  env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}` },
});

function timeOnce({ args, env, file }: Command): number {
  const start = performance.now();
  const r = spawnSync(file ?? process.execPath, args, {
    cwd: work,
    encoding: "utf8",
    env: env ?? process.env,
  });
  const elapsed = performance.now() - start;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return elapsed;
}

/** Median wall time of each command, run in turns: a load change on a shared machine hits all alike. */
function timeProcesses(commands: Command[], runs = PROCESS_RUNS): number[] {
  const times = commands.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    commands.forEach((command, c) => {
      times[c].push(timeOnce(command));
    });
  }
  return times.map(median);
}

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

mkdirSync(work, { recursive: true });
try {
  const sources = new Map(SIZES.map((n) => [n, generatePipeline(n)]));
  for (const [n, source] of sources) {
    mkdirSync(join(work, `p${n}`), { recursive: true });
    writeFileSync(join(work, `p${n}`, "pipeline.ts"), source);
  }

  const buildArgs = (n: number) => ["build", `p${n}/pipeline.ts`, "-o", `p${n}/spec.yaml`];
  const extraCa = process.env[EXTRA_CA] !== undefined;
  const [nodeStart, cliHelp, buildOnlyHelp, bareNodeStart, bareBuild, ...builds] = timeProcesses([
    { args: ["-e", "0"] },
    { args: [skiff, "--help"] },
    { args: [buildOnly, "--help"] },
    { args: ["-e", "0"], env: withoutExtraCa },
    { args: [skiff, ...buildArgs(500), "--no-typecheck"], env: withoutExtraCa },
    ...SIZES.flatMap((n) => [
      asCommand([...buildArgs(n), "--no-typecheck"]),
      { args: [skiff, ...buildArgs(n), "--no-typecheck"] },
      { args: [buildOnly, ...buildArgs(n), "--no-typecheck"] },
    ]),
  ]);
  console.log(`baselines (median of ${PROCESS_RUNS}, every command of this table run in turns)`);
  console.log(`  node -e 0                         ${ms(nodeStart)}`);
  console.log(`  node bin/skiff.js --help          ${ms(cliHelp)}   (the whole CLI loading)`);
  console.log(
    `  node dist/build/cli.cjs --help    ${ms(buildOnlyHelp)}   (build/lint commands, no code cache)`,
  );
  if (extraCa) console.log(`  node -e 0 without ${EXTRA_CA}  ${ms(bareNodeStart)}   (it is set here)`);

  console.log("\n(a) whole process: build <pipeline> -o spec.yaml");
  const wholeProcess = new Map<number, { command: number; fast: number; typed: number; alone: number }>();
  SIZES.forEach((n, i) => {
    const [command, fast, alone] = [builds[3 * i], builds[3 * i + 1], builds[3 * i + 2]];
    const [typed] = timeProcesses([asCommand(buildArgs(n))], 3);
    wholeProcess.set(n, { command, fast, typed, alone });
    const times = (t: number) => `${ms(t)} (${(t / nodeStart).toFixed(1)}× node -e 0)`;
    console.log(
      `  ${String(n).padStart(5)} tasks  skiff build --no-typecheck      ${times(command)} (bin/skiff.js as a command)`,
    );
    console.log(`               node bin/skiff.js --no-typecheck ${times(fast)}`);
    console.log(`               dist/build/cli.cjs --no-typecheck ${times(alone)} (no code cache)`);
    if (n === 500 && extraCa) {
      const bare = `${ms(bareBuild)} (${(bareBuild / bareNodeStart).toFixed(1)}× node -e 0 without it)`;
      console.log(`               node bin/skiff.js --no-typecheck, without ${EXTRA_CA}: ${bare}`);
    }
    console.log(`               skiff build with typecheck       ${times(typed)}`);
  });

  console.log(
    `\n(b) in process, warm sandbox (compilePipeline, no typecheck): median of ${WARM_RUNS} builds after ${1 + 3 + WARM_RUNS + WARM_UP_BUILDS} others, and its stages`,
  );
  const sandbox = new IsolateSandbox();
  for (const n of SIZES) {
    const source = sources.get(n) ?? "";
    const files = memorySourceFiles({ "pipeline.ts": source });
    const result = await compilePipeline({ entry: "pipeline.ts", files });
    if (!result.ok)
      throw new Error(
        `generated ${n}-task pipeline failed: ${JSON.stringify(result.diagnostics.slice(0, 3))}`,
      );
    // Reads the YAML: the result renders it on first read, and a build is not done before it has it.
    const build = async () => (await compilePipeline({ entry: "pipeline.ts", files })).yaml;
    const firstBuilds = await timeAsync(build);
    const whole = await timeAsync(build, WARM_RUNS, WARM_UP_BUILDS);
    const esbuildTransform = await timeAsync(() => transform(source, { loader: "ts" }));
    const bundle = await timeAsync(() => bundlePipeline({ entry: "pipeline.ts", files }));
    const bundled = await bundlePipeline({ entry: "pipeline.ts", files });
    if (!bundled.ok) throw new Error(`generated ${n}-task pipeline did not bundle`);
    const { code, dsl } = bundled.bundle;
    const evaluate = await timeAsync(() =>
      sandbox.evaluate({ code, filename: BUNDLE_FILENAME, parametersJson: "{}", dsl }),
    );
    const lint = await timeAsync(async () => lintManifest(result.manifest, result.sites));
    const yaml = await timeAsync(async () => toYaml(result.manifest));
    console.log(
      `  ${String(n).padStart(5)} tasks  compile ${ms(whole)} = ${(whole / esbuildTransform).toFixed(1)}× a plain esbuild transform (${ms(esbuildTransform)}) (the first ${WARM_RUNS} builds after 3: ${ms(firstBuilds)}); stages: bundle ${ms(bundle)}, evaluate ${ms(evaluate)}, lint ${ms(lint)}, yaml ${ms(yaml)}, spec ${((result.yaml?.length ?? 0) / 1024) | 0} KiB`,
    );
  }
  const five = wholeProcess.get(500);
  console.log(
    `\ntargets for 500 tasks: (a) <= 200 ms whole process (measured ${five ? `${ms(five.command)} as \`skiff build\`, ${ms(five.fast)} as \`node bin/skiff.js build\`${extraCa ? `, ${ms(bareBuild)} so without ${EXTRA_CA}` : ""}` : "?"}, no typecheck); (b) <= 15 ms warm`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

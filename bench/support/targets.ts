// Shared by the target benchmarks (issue 12): what users run, as whole processes with the default flags,
// timed in turns beside the tool they would use instead, and reported as ratios in one table per bench.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository: the nearest folder above this module with bin/skiff.js (it runs bundled, from dist/). */
export const root = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "bin", "skiff.js"))) {
    if (dirname(dir) === dir) throw new Error(`no bin/skiff.js above ${fileURLToPath(import.meta.url)}`);
    dir = dirname(dir);
  }
  return dir;
})();

/**
 * The Node that runs skiff: the project's own (the npm package `node`, v22, which npm scripts and npx put
 * first on PATH), whatever Node runs the benchmark; BENCH_NODE overrides.
 */
export const node = (() => {
  if (process.env.BENCH_NODE) return process.env.BENCH_NODE;
  const own = join(root, "node_modules", ".bin", "node");
  return existsSync(own) ? realpathSync(own) : process.execPath;
})();
export const nodeVersion = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();

/** `node bin/skiff.js <args>` with the project's Node: the `skiff` command without npx's own start. */
export const skiff = (...args: string[]): Command => ({
  file: node,
  args: [join(root, "bin", "skiff.js"), ...args],
});

export const RUNS = Number(process.env.BENCH_PROCESS_RUNS ?? 5);

export interface Command {
  file: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
export const ms = (value: number): string =>
  Number.isFinite(value) ? `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ms` : "—";
export const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

export const show = (c: Command): string =>
  [c.file, ...c.args].map((a) => (/^[\w./=:-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");

/** Runs a command once (spawn → exit, output captured); throws on a non-zero exit. */
export function runOnce(command: Command): { ms: number; stdout: string } {
  const start = performance.now();
  const r = spawnSync(command.file, command.args, {
    cwd: command.cwd,
    env: command.env ?? process.env,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const elapsed = performance.now() - start;
  if (r.status !== 0) {
    throw new Error(`${show(command)} exited ${r.status ?? r.signal}: ${(r.stderr ?? "").slice(0, 2000)}`);
  }
  return { ms: elapsed, stdout: r.stdout };
}

/**
 * Every command once as a warm-up (file cache), then `runs` rounds of all of them in turns (ABAB…), so that
 * a load change on a shared machine hits all alike. Returns each command's times and the load before/after.
 */
export function timeInTurns(
  commands: Command[],
  runs = RUNS,
): { times: number[][]; loadBefore: string; loadAfter: string } {
  for (const c of commands) runOnce(c);
  const loadBefore = load();
  const times = commands.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    commands.forEach((c, k) => {
      times[k].push(runOnce(c).ms);
    });
  }
  return { times, loadBefore, loadAfter: load() };
}

/** A folder for what a bench generates (kept after the run, so anyone can rerun a command by hand). */
export function outDir(name: string): string {
  const dir = join(process.env.BENCH_OUT ?? join(root, ".bench"), name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes `rerun.sh` into `dir`: the commands the bench timed, runnable by hand from `dir`. */
export function writeRerun(dir: string, lines: string[]): void {
  writeFileSync(
    join(dir, "rerun.sh"),
    [
      "#!/bin/bash",
      "# The commands this benchmark timed.",
      "set -e",
      `cd "$(dirname "$0")"`,
      ...lines,
      "",
    ].join("\n"),
    {
      mode: 0o755,
    },
  );
}

const commit = (() => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
})();

/** One line on the conditions: date, commit, Node, cores, load. */
export function header(title: string): void {
  console.log(
    `${title}\n${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, commit ${commit}, skiff on ${nodeVersion} (${node}), ${cpus().length} cores, load average ${load()}`,
  );
}

export interface Row {
  what: string;
  figure: number;
  baselineName: string;
  /** NaN when the baseline was not measured (skipped). */
  baseline: number;
  /** Target on the ratio figure ÷ baseline (`ratio`), or on the figure itself in ms (`ms`); none: reported. */
  target?: { ratio: number } | { ms: number };
  note?: string;
}

/** The bench's table: figure, baseline, ratio, target, met / not met. */
export function printTable(rows: Row[]): void {
  console.log("\n| benchmark | figure | baseline (same run) | ratio | target | |");
  console.log("|---|---|---|---|---|---|");
  for (const r of rows) {
    const ratio = r.figure / r.baseline;
    const t = r.target;
    const [target, value, limit] = !t
      ? ["—", Number.NaN, Number.NaN]
      : "ratio" in t
        ? [`≤ ${t.ratio}×`, ratio, t.ratio]
        : [`≤ ${t.ms} ms`, r.figure, t.ms];
    const status = !t
      ? "reported"
      : Number.isFinite(value)
        ? value <= limit
          ? "met"
          : "**not met**"
        : "skipped";
    const base = Number.isFinite(r.baseline)
      ? `${r.baselineName} ${ms(r.baseline)}`
      : `${r.baselineName}: not measured`;
    const ratioText = Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : "—";
    console.log(
      `| ${r.what} | ${ms(r.figure)}${r.note ? ` (${r.note})` : ""} | ${base} | ${ratioText} | ${target} | ${status} |`,
    );
  }
}

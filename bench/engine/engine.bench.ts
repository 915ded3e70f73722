// The local engine against GNU make on the same generated graph of no-op steps, side by side in one run:
// a 500-node DAG (each node runs `true`, fan-in up to 3) at parallelism 8 vs `make -j8`, with the step server
// launcher (the default where python3 is available) and with child_process spawns; the same with the engine's code
// warm; then the engine's peak memory on a 2,000-node DAG.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Workflow } from "../../lib/argo";
import { LocalEngine } from "../../lib/engine/local";
import { sharedStepServers } from "../../lib/engine/local/launcher";
import { dagWorkflow, graph, makefile } from "./graph";

function runMake(file: string, jobs: number): number {
  const start = process.hrtime.bigint();
  const r = spawnSync("make", ["-s", `-j${jobs}`, "-f", file, "all"], { stdio: "ignore" });
  if (r.status !== 0) throw new Error(`make failed with status ${r.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

type Launcher = "server" | "spawn";

async function runEngine(
  wf: Workflow,
  workDir: string,
  concurrency: number,
  launcher: Launcher,
): Promise<{ ms: number; phase: string }> {
  const engine = new LocalEngine({ workDir, concurrency, cleanWorkDirs: true, launcher });
  const start = process.hrtime.bigint();
  const submitted = await engine.submit(wf, { runId: "bench" });
  const done = await engine.wait({ namespace: "default", name: submitted.metadata.name ?? "" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await engine.close();
  return { ms, phase: done.status?.phase ?? "" };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const dir = mkdtempSync(join(tmpdir(), "skiff-bench-engine-"));
try {
  const size = 500;
  const jobs = 8;
  const deps = graph(size);
  const edges = deps.reduce((n, d) => n + d.length, 0);
  const mk = join(dir, "Makefile");
  writeFileSync(mk, makefile(deps));
  const wf = dagWorkflow(deps, jobs);
  // Warm-up (file cache, JIT), then alternate make and both launchers so that machine noise hits all alike.
  runMake(mk, jobs);
  await runEngine(wf, join(dir, "warm"), jobs, "server");
  const makeTimes: number[] = [];
  const engineTimes: Record<Launcher, number[]> = { server: [], spawn: [] };
  const rounds = 5;
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
  console.log(`load average before: ${load()}`);
  for (let round = 0; round < rounds; round++) {
    makeTimes.push(runMake(mk, jobs));
    for (const launcher of ["server", "spawn"] as const) {
      const r = await runEngine(wf, join(dir, `run-${round}-${launcher}`), jobs, launcher);
      if (r.phase !== "Succeeded") throw new Error(`engine run ended ${r.phase}`);
      engineTimes[launcher].push(r.ms);
    }
  }
  const m = median(makeTimes);
  const list = (xs: number[]) => xs.map((t) => t.toFixed(0)).join(", ");
  console.log(`load average after: ${load()}`);
  console.log(
    `graph: ${size} nodes, ${edges} edges (fan-in ≤ 3), parallelism ${jobs}, ${rounds} alternated rounds`,
  );
  console.log(`make -j${jobs}:               median ${m.toFixed(0)} ms  (${list(makeTimes)})`);
  for (const launcher of ["server", "spawn"] as const) {
    const e = median(engineTimes[launcher]);
    // Each run against the make run of its own round as well: load from other work drifts between rounds.
    const paired = median(engineTimes[launcher].map((t, i) => t / (makeTimes[i] ?? t)));
    console.log(
      `engine, ${launcher} launcher: median ${e.toFixed(0)} ms  (${list(engineTimes[launcher])})  ratio ${(e / m).toFixed(2)}x, per round ${paired.toFixed(2)}x  (target ≤ 1.5x)`,
    );
  }

  // The same once the engine's code is warm, as in a long-lived engine (the local stack's): in the rounds above
  // the Node process still spends much of its CPU tiering that code up in V8 (measured: about 150 ms of CPU per
  // run there, about 50 ms after a dozen more runs).
  const warmRuns = 10;
  for (let i = 0; i < warmRuns; i++) await runEngine(wf, join(dir, `warm-${i}`), jobs, "server");
  const warmMake: number[] = [];
  const warmEngine: number[] = [];
  for (let round = 0; round < rounds; round++) {
    warmMake.push(runMake(mk, jobs));
    const r = await runEngine(wf, join(dir, `warm-run-${round}`), jobs, "server");
    if (r.phase !== "Succeeded") throw new Error(`engine run ended ${r.phase}`);
    warmEngine.push(r.ms);
  }
  const wm = median(warmMake);
  const we = median(warmEngine);
  const warmPaired = median(warmEngine.map((t, i) => t / (warmMake[i] ?? t)));
  console.log(`warm engine (after ${warmRuns} more runs), ${rounds} more alternated rounds:`);
  console.log(`make -j${jobs}:               median ${wm.toFixed(0)} ms  (${list(warmMake)})`);
  console.log(
    `engine, server launcher: median ${we.toFixed(0)} ms  (${list(warmEngine)})  ratio ${(we / wm).toFixed(2)}x, per round ${warmPaired.toFixed(2)}x  (target ≤ 1.5x)`,
  );
  console.log(`load average after the warm rounds: ${load()}`);

  // Peak memory on a 2,000-node DAG: sampled RSS and heap while it runs.
  const big = dagWorkflow(graph(2000), jobs);
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 20);
  const r = await runEngine(big, join(dir, "big"), jobs, "server");
  clearInterval(sampler);
  const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
  console.log(`2000-node DAG (server launcher, the default): ${r.phase} in ${r.ms.toFixed(0)} ms`);
  console.log(
    `peak memory: rss ${mb(peakRss)} MB (baseline ${mb(base.rss)} MB, +${mb(peakRss - base.rss)} MB), heap ${mb(peakHeap)} MB (+${mb(peakHeap - base.heapUsed)} MB)`,
  );
  // The step servers are processes of their own: their peak RSS over the whole bench (Linux's VmHWM).
  const servers = sharedStepServers().map((s) => {
    try {
      const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${s.pid}/status`, "utf8"))?.[1];
      return kb ? `${(Number(kb) / 1024).toFixed(0)} MB` : "?";
    } catch {
      return "?";
    }
  });
  console.log(`step servers: ${servers.length}, peak rss ${servers.join(" + ")}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

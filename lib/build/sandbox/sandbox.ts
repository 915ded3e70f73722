import type { ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { BuildError } from "../diagnostics";
import { findInstalled } from "../install-paths";
import type {
  CodeCacheRequest,
  CodeCacheResponse,
  EvaluateRequest,
  EvaluateResponse,
  EvaluationError,
  PreloadRequest,
  YamlResponse,
} from "./protocol";
import {
  codeCacheFile,
  DEFAULT_HEAP_MB,
  readCodeCache,
  startWorkerProcess,
  takeEarlyWorker,
  WorkerExitError,
  type WorkerProcess,
  workerCodeCacheFiles,
  wrapWorkerProgram,
  writingCodeCaches,
} from "./worker-process";

export interface SandboxLimits {
  /**
   * Wall-time budget of one evaluation, in ms; the worker is killed and respawned past it. Default 30000
   * (generous: a heavily loaded 2-core machine took over 10 s for a 2,000-task pipeline).
   */
  timeoutMs?: number;
  /** V8 heap limit of the worker (`--max-old-space-size`), in MB. Default 256. */
  heapMb?: number;
  /**
   * Resident memory of the worker (ArrayBuffers included, which the heap limit does not count), in MB,
   * polled from /proc on Linux; the worker is killed past it. Default 768.
   */
  rssMb?: number;
}

export interface SandboxOptions extends SandboxLimits {
  /** The bundled worker script. Default: `dist/build/sandbox/worker.cjs` of this installation. */
  workerPath?: string;
}

export const DEFAULT_LIMITS: Required<SandboxLimits> = {
  timeoutMs: 30_000,
  heapMb: DEFAULT_HEAP_MB,
  rssMb: 768,
};

/**
 * What an evaluation gave: the bundle's JSON text, or what went wrong. With the `yaml` option, `yaml` is
 * the manifest's YAML, which the worker renders after answering; it resolves undefined when it has none.
 */
export type EvaluationOutcome =
  | {
      ok: true;
      resultJson: string;
      yaml?: Promise<string | undefined>;
      /** How many builds, this one included, the worker's realm of this DSL has served (with a DSL only). */
      realmUses?: number;
    }
  | { ok: false; error: EvaluationError };

export interface EvaluateOptions {
  /** Ask the bundle for the call sites of the manifest's parts too. Default: false (a clean build needs none). */
  callSites?: boolean;
  /** Have the worker render the manifest's YAML after answering. Default: false. */
  yaml?: boolean;
}

// Grace past the in-worker vm timeout before the parent kills the process (a loop in microtasks, a getter
// on a thrown object, a blocked Atomics.wait).
const KILL_GRACE_MS = 1000;
const RSS_POLL_MS = 50;

/** The bundled worker script of this installation (dist/build/sandbox/worker.cjs). */
export function defaultWorkerPath(): string {
  const found = findInstalled("dist/build/sandbox/worker.cjs");
  if (found) return found;
  throw new BuildError(
    `the sandbox worker (dist/build/sandbox/worker.cjs) is missing: run \`npm run build\` first`,
  );
}

function residentMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

interface Worker {
  child: ChildProcess;
  process: WorkerProcess;
  /** DSL versions this worker has compiled. */
  dslKeys: Set<string>;
  /** Callers waiting on the worker; it keeps the parent alive only while this is above zero. */
  holds: number;
  /** Its code caches were asked for (only when `npm run build` writes them). */
  codeCachesAsked?: boolean;
  ready: Promise<void>;
}

/**
 * A warm sandbox worker reused across builds: one child process, one evaluation at a time, a fresh vm
 * context per evaluation; respawned after a timeout, an out-of-memory kill or a crash.
 */
export class Sandbox {
  private readonly limits: Required<SandboxLimits>;
  private readonly workerPath: string | undefined;
  private worker: Worker | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private workerCode: string | undefined;
  /** The DSL of the latest build, preloaded into every new worker. */
  private dsl: { key: string; code: string } | undefined;
  /** V8's code cache of each DSL version seen (undefined: none that fits), read once. */
  private readonly dslCaches = new Map<string, Buffer | undefined>();

  constructor(options: SandboxOptions = {}) {
    const { workerPath, ...limits } = options;
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.workerPath = workerPath;
  }

  /** Evaluates a bundle (after the DSL script, when given); queued behind any evaluation in flight. */
  evaluate(
    code: string,
    filename: string,
    parametersJson: string,
    dsl?: { key: string; code: string },
    options: EvaluateOptions = {},
  ): Promise<EvaluationOutcome> {
    const run = this.queue.then(() => this.evaluateNow(code, filename, parametersJson, dsl, options));
    // The next evaluation waits for this one's YAML too: the worker is busy with it until then.
    this.queue = run.then(
      (outcome) => (outcome.ok ? outcome.yaml : undefined),
      () => undefined,
    );
    return run;
  }

  /** Starts the worker ahead of the first build (optional). */
  async warm(): Promise<void> {
    const worker = this.spawnWorker();
    this.hold(worker);
    try {
      await worker.ready;
    } finally {
      this.release(worker);
    }
  }

  /**
   * Sends the DSL to the worker (starting it if needed), which compiles it and evaluates it into a fresh
   * context for the next build while this process is still bundling. Later workers get it on start.
   */
  preload(dsl: { key: string; code: string }): void {
    this.dsl = dsl;
    this.sendDsl(this.spawnWorker(), dsl);
  }

  private sendDsl(worker: Worker, dsl: { key: string; code: string }): void {
    if (worker.dslKeys.has(dsl.key)) return;
    const message: PreloadRequest = { preload: this.withDslCache(dsl) };
    if (worker.process.send(message)) worker.dslKeys.add(dsl.key);
  }

  /** The DSL with its code cache from this installation's dist/build/code-cache/, when that one is for it. */
  private withDslCache(dsl: { key: string; code: string }): { key: string; code: string; cache?: Buffer } {
    if (!this.dslCaches.has(dsl.key)) {
      const file = workerCodeCacheFiles(this.workerPath ?? defaultWorkerPath()).dsl;
      this.dslCaches.set(dsl.key, readCodeCache(file, dsl.code));
    }
    const cache = this.dslCaches.get(dsl.key);
    return cache ? { key: dsl.key, code: dsl.code, cache } : { key: dsl.key, code: dsl.code };
  }

  /** Kills the worker; the next evaluation starts a new one. */
  close(): void {
    this.worker?.child.kill("SIGKILL");
    this.worker = undefined;
  }

  /** Pid of the current worker, if any (tests use it to check reuse and respawn). */
  get pid(): number | undefined {
    return this.worker?.child.pid;
  }

  private spawnWorker(): Worker {
    if (this.worker && this.worker.child.exitCode === null && this.worker.child.signalCode === null) {
      return this.worker;
    }
    const workerPath = this.workerPath ?? defaultWorkerPath();
    // A worker bin/skiff.js started before it loaded the compiler, if it runs the same script.
    const early = takeEarlyWorker(workerPath, this.limits.heapMb);
    if (early) this.workerCode ??= early.code;
    this.workerCode ??= readFileSync(workerPath, "utf8");
    const started =
      early?.worker ??
      startWorkerProcess(this.workerCode, this.limits.heapMb, workerCodeCacheFiles(workerPath).worker);
    const worker: Worker = {
      child: started.child,
      process: started,
      dslKeys: new Set(),
      holds: 0,
      ready: started.ready.catch((error: unknown) => {
        const detail = error instanceof WorkerExitError ? `: ${started.stderr().trim()}` : "";
        throw new BuildError(`${error instanceof Error ? error.message : String(error)}${detail}`, {
          cause: error,
        });
      }),
    };
    this.worker = worker;
    this.release(worker, 0);
    if (this.dsl) this.sendDsl(worker, this.dsl);
    return worker;
  }

  private hold(worker: Worker): void {
    worker.holds++;
    worker.process.hold();
  }

  // An idle warm worker must not keep the parent process alive.
  private release(worker: Worker, by = 1): void {
    worker.holds = Math.max(0, worker.holds - by);
    if (worker.holds > 0) return;
    worker.process.release();
  }

  private async evaluateNow(
    code: string,
    filename: string,
    parametersJson: string,
    dsl: { key: string; code: string } | undefined,
    options: EvaluateOptions,
  ): Promise<EvaluationOutcome> {
    const worker = this.spawnWorker();
    this.hold(worker);
    try {
      await worker.ready;
    } catch (error) {
      this.release(worker);
      this.worker = undefined;
      throw error;
    }
    const { child } = worker;
    if (dsl) this.dsl = dsl;
    const request: EvaluateRequest = {
      id: this.nextId++,
      code,
      filename,
      parametersJson,
      timeoutMs: this.limits.timeoutMs,
      ...(options.callSites ? { callSites: true } : {}),
      ...(options.yaml ? { yaml: true } : {}),
      ...(dsl ? { dsl: worker.dslKeys.has(dsl.key) ? { key: dsl.key } : this.withDslCache(dsl) } : {}),
    };
    if (dsl) worker.dslKeys.add(dsl.key);
    return new Promise<EvaluationOutcome>((resolve) => {
      let killedFor: "timeout" | "memory" | undefined;
      // Set once the evaluation is answered and its YAML is still to come (limits still apply).
      let yamlDone: ((yaml: string | undefined) => void) | undefined;
      // Set while the worker's code caches are asked for, to finish with once they are written.
      let finishing: (() => void) | undefined;
      const stop = () => {
        clearTimeout(timer);
        clearInterval(poll);
        unlisten();
        child.off("exit", onExit);
        this.release(worker);
      };
      const kill = (reason: "timeout" | "memory") => {
        killedFor = reason;
        child.kill("SIGKILL");
      };
      // The request's last answer: when `npm run build` writes the code caches, the worker's first (this
      // process exits right after its build) once they are written.
      const finish = (done: () => void) => {
        if (!writingCodeCaches() || worker.codeCachesAsked) {
          stop();
          done();
          return;
        }
        worker.codeCachesAsked = true;
        finishing = done;
        const ask: CodeCacheRequest = { id: this.nextId++, codeCache: true };
        const unlistenCaches = worker.process.listen((message) => {
          if ((message as CodeCacheResponse | null)?.id !== ask.id) return;
          unlistenCaches();
          this.writeCodeCaches(message as CodeCacheResponse, dsl);
          finishing = undefined;
          stop();
          done();
        });
        worker.process.send(ask);
      };
      const onMessage = (message: EvaluateResponse | YamlResponse) => {
        if (message?.id !== request.id) return;
        if (yamlDone) {
          const { yaml } = message as YamlResponse;
          const done = yamlDone;
          finish(() => done(typeof yaml === "string" ? yaml : undefined));
          return;
        }
        const answer = message as EvaluateResponse;
        const uses = answer.ok && answer.realmUses !== undefined ? { realmUses: answer.realmUses } : {};
        if (answer.ok && request.yaml) {
          const yaml = new Promise<string | undefined>((done) => {
            yamlDone = done;
          });
          resolve({ ok: true, resultJson: answer.resultJson, yaml, ...uses });
          return;
        }
        finish(() =>
          resolve(
            answer.ok
              ? { ok: true, resultJson: answer.resultJson, ...uses }
              : { ok: false, error: answer.error },
          ),
        );
      };
      const onExit = () => {
        if (this.worker === worker) this.worker = undefined;
        stop();
        if (finishing) finishing();
        else if (yamlDone) yamlDone(undefined);
        else resolve({ ok: false, error: this.exitError(worker, killedFor) });
      };
      const timer = setTimeout(() => kill("timeout"), this.limits.timeoutMs + KILL_GRACE_MS);
      const poll = setInterval(() => {
        const rss = child.pid === undefined ? undefined : residentMb(child.pid);
        if (rss !== undefined && rss > this.limits.rssMb) kill("memory");
      }, RSS_POLL_MS);
      const unlisten = worker.process.listen(onMessage as (message: unknown) => void);
      child.once("exit", onExit);
      worker.process.send(request);
    });
  }

  /** Writes the worker's code caches (of its program, and of this build's DSL) where it reads them. */
  private writeCodeCaches(caches: CodeCacheResponse, dsl: { key: string; code: string } | undefined): void {
    const workerPath = this.workerPath ?? defaultWorkerPath();
    const files = workerCodeCacheFiles(workerPath);
    const dslCache = dsl && caches.dsl.find((cache) => cache.key === dsl.key);
    try {
      if (caches.worker && this.workerCode !== undefined) {
        writeFileSync(files.worker, codeCacheFile(wrapWorkerProgram(this.workerCode), caches.worker));
      }
      if (dsl && dslCache) writeFileSync(files.dsl, codeCacheFile(dsl.code, dslCache.cache));
    } catch (error) {
      process.stderr.write(`skiff: the sandbox's code caches were not written: ${String(error)}\n`);
    }
  }

  private exitError(worker: Worker, killedFor: "timeout" | "memory" | undefined): EvaluationError {
    const { timeoutMs, heapMb, rssMb } = this.limits;
    if (killedFor === "timeout") {
      return {
        code: "sandbox.timeout",
        name: "Error",
        message: `the pipeline did not finish evaluating within ${timeoutMs} ms`,
      };
    }
    const outOfHeap = /heap out of memory|Reached heap limit|Allocation failed/i.test(
      worker.process.stderr(),
    );
    if (killedFor === "memory" || outOfHeap) {
      const limit = killedFor === "memory" ? `${rssMb} MB of memory` : `the ${heapMb} MB heap limit`;
      return {
        code: "sandbox.memory",
        name: "Error",
        message: `the pipeline exceeded ${limit} while evaluating`,
      };
    }
    const detail = worker.process.stderr().trim().split("\n").slice(-3).join(" ");
    return {
      code: "sandbox.crash",
      name: "Error",
      message: `the sandbox worker crashed${detail ? `: ${detail}` : ""}`,
    };
  }
}

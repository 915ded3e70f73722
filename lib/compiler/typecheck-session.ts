import { resolve } from "node:path";
import { Worker } from "node:worker_threads";
import type { Diagnostic } from "./diagnostics";
import { findInstalled } from "./install-paths";
import { compilerConfig, compilerDiagnostic, unavailable, uploadLayout } from "./typecheck";
import type { CheckRequest, RawDiagnostic, WorkerMessage } from "./typecheck-worker.main";

// Upload files exist only in memory, under this folder that the worker's file-system callbacks own (it is
// never read from disk); each check gets a folder of its own in it, so no path of an earlier upload is reused.
const VIRTUAL_ROOT = resolve("/skiff-typecheck").split("\\").join("/");
const DEFAULT_TIMEOUT_MS = 60_000;

/** How a check ends: the worker's answer, or the worker gone or too slow. */
type Reply =
  | Exclude<WorkerMessage, { kind: "started" }>
  | { kind: "exited"; error: string }
  | { kind: "timeout" };

/**
 * A warm type checker for a long-lived process: one TypeScript API session (a `tsc` child kept running, its
 * lib files and the DSL's declarations parsed once), in a worker thread of its own, started on the first
 * check. Checks run one at a time. A session that fails or overruns its time limit is discarded, and the
 * next check starts a new one. Idle, it keeps no process alive.
 */
export class TypecheckSession {
  private worker: Worker | undefined;
  private pending: ((reply: Reply) => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private checks = 0;
  private pid: number | undefined;

  /** The API's child process while a session runs (tests kill it to see a session recover). */
  get childPid(): number | undefined {
    return this.pid;
  }

  /** Type-checks one upload (upload-relative path → text) against `dslEntry`; see typecheckPipeline. */
  check(sources: ReadonlyMap<string, string>, dslEntry: string, timeoutMs = DEFAULT_TIMEOUT_MS) {
    const run = this.queue.then(() => this.run(sources, dslEntry, timeoutMs));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stops the worker and the API's child (the embedded stack's stop; a process may also just exit). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.discard();
    await worker?.terminate();
  }

  private async run(sources: ReadonlyMap<string, string>, dslEntry: string, timeoutMs: number) {
    const first = await this.attempt(sources, dslEntry, timeoutMs);
    if (!("failure" in first)) return first;
    // A session that died (its child killed, a crash) is replaced once: the check runs again in a new one.
    process.emitWarning(`TypeScript's checker session failed, checking again in a new one: ${first.failure}`);
    const again = await this.attempt(sources, dslEntry, timeoutMs);
    if (!("failure" in again)) return again;
    return [unavailable(`TypeScript's checker failed twice: ${first.failure}; then: ${again.failure}`)];
  }

  private async attempt(
    sources: ReadonlyMap<string, string>,
    dslEntry: string,
    timeoutMs: number,
  ): Promise<Diagnostic[] | { failure: string }> {
    const dir = `${VIRTUAL_ROOT}/${++this.checks}`;
    const { files, roots } = uploadLayout(sources);
    const config = `${dir}/tsconfig.json`;
    const request: CheckRequest = {
      root: VIRTUAL_ROOT,
      config,
      files: [
        [config, JSON.stringify(compilerConfig(dslEntry, roots))],
        ...[...files].map(([path, text]): [string, string] => [`${dir}/${path}`, text]),
      ],
    };
    const reply = await this.exchange(request, timeoutMs);
    if (reply.kind === "timeout") {
      this.killChild();
      this.discard();
      return [unavailable(`TypeScript's compiler did not finish within ${timeoutMs} ms`)];
    }
    if (reply.kind !== "checked") {
      this.discard();
      return { failure: reply.error };
    }
    const texts = new Map(request.files);
    return reply.diagnostics
      .sort((a, b) => (a.fileName ?? "").localeCompare(b.fileName ?? "") || a.pos - b.pos)
      .flatMap((raw) => placed(dir, raw, texts) ?? []);
  }

  private exchange(request: CheckRequest, timeoutMs: number) {
    const worker = this.startWorker();
    return new Promise<Reply>((done) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        done({ kind: "timeout" });
      }, timeoutMs);
      this.pending = (message) => {
        clearTimeout(timer);
        this.pending = undefined;
        worker.unref();
        done(message);
      };
      // Referenced while a check runs: a process awaiting it must not exit under it.
      worker.ref();
      worker.postMessage(request);
    });
  }

  private startWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerFile());
    worker.on("message", (message: WorkerMessage) => {
      if (message.kind === "started") this.pid = message.pid;
      else this.pending?.(message);
    });
    // Only the current worker's end fails the check in progress (a discarded one's is expected).
    const exited = (error: string) => {
      if (this.worker !== worker) return;
      this.discard();
      this.pending?.({ kind: "exited", error });
    };
    worker.on("error", (error) => exited(error.message));
    worker.on("exit", (code) => exited(`its thread exited with code ${code}`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private killChild() {
    try {
      if (this.pid !== undefined) process.kill(this.pid);
    } catch {}
  }

  /** Forgets the worker; a worker left running exits once its API child is gone (killed, or on exit). */
  private discard() {
    const worker = this.worker;
    this.worker = undefined;
    this.pid = undefined;
    worker?.removeAllListeners("message");
    void worker?.terminate();
  }
}

/** A raw diagnostic at its 1-based line and column in its file's text. */
function placed(dir: string, raw: RawDiagnostic, texts: Map<string, string>): Diagnostic | undefined {
  const text = raw.fileName === undefined ? undefined : texts.get(raw.fileName);
  if (raw.fileName === undefined) return compilerDiagnostic(dir, raw.code, raw.message, undefined);
  // Outside the upload (the DSL's declarations, lib files): not reported, as with the spawned compiler.
  if (text === undefined) return undefined;
  const before = text.slice(0, raw.pos);
  const lineStart = Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r")) + 1;
  const line = (before.match(/\r\n?|\n/g)?.length ?? 0) + 1;
  return compilerDiagnostic(dir, raw.code, raw.message, {
    path: raw.fileName,
    line,
    column: raw.pos - lineStart + 1,
  });
}

/** The worker's script: built into dist/compiler/, or its source when this module runs from source. */
function workerFile(): URL | string {
  if (import.meta.url.endsWith(".ts")) return new URL("./typecheck-worker.main.ts", import.meta.url);
  const built = findInstalled("dist/compiler/typecheck-worker.js");
  if (!built) throw new Error("the type checker's worker (dist/compiler/typecheck-worker.js) is not built");
  return built;
}

let shared: TypecheckSession | undefined;

/** This process's warm checker, created on first use (what the build service checks through). */
export function sharedTypecheckSession(): TypecheckSession {
  shared ??= new TypecheckSession();
  return shared;
}

/** Closes this process's warm checker if one was started. */
export async function closeSharedTypecheckSession(): Promise<void> {
  await shared?.close();
  shared = undefined;
}

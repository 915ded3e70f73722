// The sandbox worker's process: how it is started, and its early start. bin/skiff.js starts one before it
// loads the compiler's program (from dist/build/sandbox/worker-process.cjs, the very module instance the
// program then uses), so that the worker's Node start-up, the longest step of a whole-process build,
// overlaps the program's loading; the program's Sandbox takes it over.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { ReadyMessage } from "./protocol";

/** V8 heap limit of a worker (`--max-old-space-size`) unless a Sandbox sets another, in MB. */
export const DEFAULT_HEAP_MB = 256;
const STDERR_TAIL = 4096;

/** A started worker process. */
export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves when the worker says it is ready; rejects (with its exit code) if it exits first. */
  ready: Promise<void>;
  /** The last 4 KB of what the worker wrote to stderr. */
  stderr(): string;
}

// Node 22.13+ has the stable flag; Node 20 only the experimental one.
function permissionFlags(): string[] {
  const flags = process.allowedNodeEnvironmentFlags;
  if (flags.has("--permission")) return ["--permission"];
  if (flags.has("--experimental-permission")) return ["--experimental-permission"];
  return [];
}

/** Starts a worker running `code` (the bundled worker script) with a heap limit. */
export function startWorkerProcess(code: string, heapMb: number): WorkerProcess {
  // The worker runs from --eval text, so under the permission model it needs no file-system access at all.
  const child = spawn(
    process.execPath,
    [...permissionFlags(), "--no-warnings", `--max-old-space-size=${heapMb}`, "--eval", code],
    // An empty environment: no AWS credentials, no tokens, nothing of the parent's. Messages go as V8
    // serialized data: a pipeline's code and its manifest's JSON are long strings, which the default
    // JSON channel escapes and copies once more each way.
    {
      env: {},
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "advanced",
      cwd: "/",
      windowsHide: true,
    },
  );
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });
  // Listening from the start: a worker started early may be ready before anyone waits for it.
  const ready = new Promise<void>((resolve, reject) => {
    const onMessage = (message: ReadyMessage) => {
      if (!message?.ready) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve();
    };
    const onExit = (exitCode: number | null) => reject(new WorkerExitError(exitCode));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
  ready.catch(() => undefined); // handled by whoever waits; an early worker may have no one yet
  return { child, ready, stderr: () => stderr };
}

/** The worker exited before it was ready. */
export class WorkerExitError extends Error {
  constructor(readonly exitCode: number | null) {
    super(`the sandbox worker exited while starting (code ${exitCode})`);
    this.name = "WorkerExitError";
  }
}

let early: { workerPath: string; heapMb: number; code: string; worker: WorkerProcess } | undefined;

/**
 * Starts a worker now for a Sandbox to take over (once per process). It does not keep this process alive;
 * one nobody takes is stopped when this process exits (its IPC channel closes).
 */
export function startEarlyWorker(workerPath: string, heapMb = DEFAULT_HEAP_MB): void {
  if (early) return;
  const code = readFileSync(workerPath, "utf8");
  const worker = startWorkerProcess(code, heapMb);
  worker.child.unref();
  (worker.child.channel as { unref?: () => void } | undefined)?.unref?.();
  (worker.child.stderr as { unref?: () => void } | null)?.unref?.();
  early = { workerPath, heapMb, code, worker };
}

/**
 * The early worker, if one was started from the same script with the same heap limit and is still
 * running (then also its script's text); taken once.
 */
export function takeEarlyWorker(
  workerPath: string,
  heapMb: number,
): { code: string; worker: WorkerProcess } | undefined {
  if (!early || early.workerPath !== workerPath || early.heapMb !== heapMb) return undefined;
  const taken = early;
  early = undefined;
  const { child } = taken.worker;
  return child.exitCode === null && child.signalCode === null ? taken : undefined;
}

/** Pid of the early worker not yet taken, if any (tests use it to check the hand-over). */
export function earlyWorkerPid(): number | undefined {
  return early?.worker.child.pid;
}

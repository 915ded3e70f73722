// The sandbox worker's process: how it is started, and its early start. bin/skiff.js starts one before it
// loads the compiler's program (from dist/build/sandbox/worker-process.cjs, the very module instance the
// program then uses), so that the worker's Node start-up, the longest step of a whole-process build,
// overlaps the program's loading; the program's Sandbox takes it over.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { encodeFrame, FrameReader } from "./frames";
import type { ReadyMessage } from "./protocol";

/** V8 heap limit of a worker (`--max-old-space-size`) unless a Sandbox sets another, in MB. */
export const DEFAULT_HEAP_MB = 256;
const STDERR_TAIL = 4096;

/** A started worker process. */
export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves when the worker says it is ready; rejects (with its exit code) if it exits first. */
  ready: Promise<void>;
  /** Sends a message (a frame on the worker's stdin). False if the worker's stdin is closed. */
  send(message: unknown): boolean;
  /** Calls `listener` with each message the worker sends from now on, until the returned function is called. */
  listen(listener: (message: unknown) => void): () => void;
  /** Lets this process exit while the worker is idle (`hold` undoes it). */
  release(): void;
  hold(): void;
  /** The last 4 KB of what the worker wrote to stderr. */
  stderr(): string;
}

// Node 22.13+ has the stable flag; Node 20 only the experimental one. Node 20 and 21 by their version:
// `process.allowedNodeEnvironmentFlags` builds a set of every flag (~1.5 ms, before the worker's spawn).
function permissionFlags(): string[] {
  const major = Number(process.versions.node.split(".")[0]);
  if (major === 20 || major === 21) return ["--experimental-permission"];
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
    // An empty environment: no AWS credentials, no tokens, nothing of the parent's. Messages go as
    // frames over stdin and stdout (./frames.ts).
    { env: {}, stdio: ["pipe", "pipe", "pipe"], cwd: "/", windowsHide: true },
  );
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });
  const listeners = new Set<(message: unknown) => void>();
  const reader = new FrameReader();
  child.stdout?.on("data", (chunk: Buffer) => {
    for (const message of reader.push(chunk)) for (const listener of [...listeners]) listener(message);
  });
  // A worker that dies takes its pipes with it: a write then fails, which its exit reports.
  child.stdin?.on("error", () => undefined);
  const listen = (listener: (message: unknown) => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  // Listening from the start: a worker started early may be ready before anyone waits for it.
  const ready = new Promise<void>((resolve, reject) => {
    const onExit = (exitCode: number | null) => reject(new WorkerExitError(exitCode));
    const stop = listen((message) => {
      if (!(message as ReadyMessage | null)?.ready) return;
      stop();
      child.off("exit", onExit);
      resolve();
    });
    child.once("exit", onExit);
  });
  ready.catch(() => undefined); // handled by whoever waits; an early worker may have no one yet
  const streams = () =>
    [child.stdin, child.stdout, child.stderr] as ({ ref?(): void; unref?(): void } | null)[];
  return {
    child,
    ready,
    send: (message) => {
      if (child.stdin?.writable !== true) return false;
      child.stdin.write(encodeFrame(message));
      return true;
    },
    listen,
    release: () => {
      child.unref();
      for (const stream of streams()) stream?.unref?.();
    },
    hold: () => {
      child.ref();
      for (const stream of streams()) stream?.ref?.();
    },
    stderr: () => stderr,
  };
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
 * one nobody takes stops when this process exits (its stdin closes).
 */
export function startEarlyWorker(workerPath: string, heapMb = DEFAULT_HEAP_MB): void {
  if (early) return;
  const code = readFileSync(workerPath, "utf8");
  const worker = startWorkerProcess(code, heapMb);
  worker.release();
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

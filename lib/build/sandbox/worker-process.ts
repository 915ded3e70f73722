// The sandbox worker's process: how it is started, and its early start. bin/skiff.js starts one before it
// loads the compiler's program (from dist/build/sandbox/worker-process.cjs, the very module instance the
// program then uses), so that the worker's Node start-up, the longest step of a whole-process build,
// overlaps the program's loading; the program's Sandbox takes it over.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
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

// V8's code caches of the worker's program and of the DSL, written by `npm run build` after one real build
// (so that they hold the functions a build runs, not only the top level) into dist/build/code-cache/, beside
// the CLI's: a worker then compiles neither. Each file is the source's SHA-1 digest (V8 itself only checks
// the source's length), then V8's data; V8 rejects data made by another version or under other flags (a
// worker with another heap limit). A missing, stale or rejected cache only costs the compile. bin/skiff.js
// reads and writes the CLI's and esbuild's caches with these same functions.
const DIGEST_BYTES = 20;

/** The code cache files of the worker at `workerPath` (dist/build/sandbox/worker.cjs): dist/build/code-cache/. */
export function workerCodeCacheFiles(workerPath: string): { worker: string; dsl: string } {
  const dir = join(dirname(workerPath), "..", "code-cache");
  return { worker: join(dir, "worker.cache"), dsl: join(dir, "dsl.cache") };
}

/** Set by scripts/build.mjs only: write the code caches after a build instead of reading them. */
export function writingCodeCaches(): boolean {
  return process.env.SKIFF_WRITE_CODE_CACHE === "1";
}

// node:crypto on demand: loading it takes ~5 ms, which must not delay the worker's spawn.
const requireBuiltin = createRequire(import.meta.url);

/** The digest a code cache file starts with. */
export function sourceDigest(source: string): Buffer {
  const { createHash } = requireBuiltin("node:crypto") as typeof import("node:crypto");
  return createHash("sha1").update(source).digest();
}

/** V8's data in the code cache file `file` if it was made for `source`; undefined otherwise. */
export function readCodeCache(file: string, source: string): Buffer | undefined {
  if (writingCodeCaches()) return undefined;
  let cache: Buffer;
  try {
    cache = readFileSync(file);
  } catch {
    return undefined;
  }
  if (cache.length <= DIGEST_BYTES) return undefined;
  return sourceDigest(source).equals(cache.subarray(0, DIGEST_BYTES))
    ? cache.subarray(DIGEST_BYTES)
    : undefined;
}

/** The contents of a code cache file: the source's digest, then V8's data. */
export function codeCacheFile(source: string, data: Uint8Array): Buffer {
  return Buffer.concat([sourceDigest(source), data]);
}

// The worker's program runs as a function of `require` and of its own compiled script (whose code cache it
// makes when asked): the --eval text is only this bootstrap, which compiles the program (the argument after
// `--`) with the code cache the parent sends first on stdin (u32 length, little-endian, then the bytes;
// length 0 for none). The bootstrap reads exactly that much, so the frames that follow stay on stdin.
const WRAP_HEAD = "(function (require, __skiffWorkerScript) {";
const WRAP_TAIL = "\n})";

/** The worker's program as the bootstrap compiles it (its code cache is made for this text). */
export function wrapWorkerProgram(code: string): string {
  return WRAP_HEAD + code + WRAP_TAIL;
}

const BOOTSTRAP = `"use strict";
const { readSync } = require("node:fs");
const { Script } = require("node:vm");
const read = (length) => {
  const bytes = Buffer.allocUnsafe(length);
  for (let at = 0; at < length; ) {
    const got = readSync(0, bytes, at, length - at, null);
    if (got === 0) process.exit(0);
    at += got;
  }
  return bytes;
};
const cacheLength = read(4).readUInt32LE(0);
const script = new Script(${JSON.stringify(WRAP_HEAD)} + process.argv[1] + ${JSON.stringify(WRAP_TAIL)}, {
  filename: "skiff-sandbox-worker.js",
  cachedData: cacheLength > 0 ? read(cacheLength) : undefined,
});
script.runInThisContext()(require, script);
`;

/**
 * Starts a worker running `code` (the bundled worker script) with a heap limit, and with the code cache in
 * `codeCache` (a file as `npm run build` writes it) when that one was made for `code`.
 */
export function startWorkerProcess(code: string, heapMb: number, codeCache?: string): WorkerProcess {
  // The worker runs from --eval text and an argument, so under the permission model it needs no
  // file-system access at all.
  const child = spawn(
    process.execPath,
    [
      ...permissionFlags(),
      "--no-warnings",
      `--max-old-space-size=${heapMb}`,
      "--eval",
      BOOTSTRAP,
      "--",
      code,
    ],
    // An empty environment: no AWS credentials, no tokens, nothing of the parent's. Messages go as
    // frames over stdin and stdout (./frames.ts).
    { env: {}, stdio: ["pipe", "pipe", "pipe"], cwd: "/", windowsHide: true },
  );
  // After the spawn (the worker needs it only once Node has started): the program's code cache. The pipe
  // takes it at once (~200 KB fit), so the worker never waits for this process's event loop.
  const cache = codeCache === undefined ? undefined : readCodeCache(codeCache, wrapWorkerProgram(code));
  const head = Buffer.alloc(4);
  head.writeUInt32LE(cache?.length ?? 0, 0);
  child.stdin?.write(cache ? Buffer.concat([head, cache]) : head);
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
  const worker = startWorkerProcess(code, heapMb, workerCodeCacheFiles(workerPath).worker);
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

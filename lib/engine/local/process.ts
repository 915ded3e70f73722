import { spawn } from "node:child_process";

/** One chunk of output from a step's process. */
export interface OutputChunk {
  stream: "stdout" | "stderr";
  text: string;
}

export interface HostProcessSpec {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Called for every complete line (and the unterminated tail at exit). */
  onLine: (line: OutputChunk) => void;
  /** Bytes of stdout kept for `outputs.result` (the tail). */
  keepStdoutBytes: number;
}

export interface HostProcessResult {
  /** Exit code; 128+signal when killed by a signal; -1 when it could not start. */
  exitCode: number;
  /** Tail of stdout, at most `keepStdoutBytes`. */
  stdout: string;
  /** Set when the process could not be started. */
  spawnError?: Error;
  /** Set when `kill()` ended it. */
  killed: boolean;
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** A step's process, started in its own process group so that the whole tree can be killed at once. */
export class HostProcess {
  readonly done: Promise<HostProcessResult>;
  private pid: number | undefined;
  private killed = false;
  private exited = false;

  constructor(spec: HostProcessSpec) {
    this.done = this.start(spec);
  }

  /** Kills the process group: SIGTERM, then SIGKILL after `graceMs`. */
  kill(graceMs = 2000): void {
    if (this.exited || this.pid === undefined) {
      this.killed = true;
      return;
    }
    this.killed = true;
    killGroup(this.pid, "SIGTERM");
    const pid = this.pid;
    const timer = setTimeout(() => killGroup(pid, "SIGKILL"), graceMs);
    timer.unref();
    void this.done.then(() => clearTimeout(timer));
  }

  private start(spec: HostProcessSpec): Promise<HostProcessResult> {
    return new Promise((resolve) => {
      const [file, ...args] = spec.argv;
      if (file === undefined) {
        resolve({ exitCode: -1, stdout: "", killed: false, spawnError: new Error("empty command") });
        return;
      }
      const child = spawn(file, args, {
        cwd: spec.cwd,
        env: spec.env,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      this.pid = child.pid;
      if (this.killed && this.pid !== undefined) killGroup(this.pid, "SIGKILL");
      let tail = Buffer.alloc(0);
      const partial: Record<"stdout" | "stderr", string> = { stdout: "", stderr: "" };
      const feed = (stream: "stdout" | "stderr", chunk: Buffer) => {
        if (stream === "stdout") {
          tail = Buffer.concat([tail, chunk]);
          if (tail.length > spec.keepStdoutBytes * 2)
            tail = tail.subarray(tail.length - spec.keepStdoutBytes);
        }
        const text = partial[stream] + chunk.toString("utf8");
        const lines = text.split("\n");
        partial[stream] = lines.pop() ?? "";
        for (const line of lines) spec.onLine({ stream, text: line });
      };
      child.stdout.on("data", (c: Buffer) => feed("stdout", c));
      child.stderr.on("data", (c: Buffer) => feed("stderr", c));
      let spawnError: Error | undefined;
      child.on("error", (err) => {
        spawnError = err;
      });
      let exitCode = -1;
      child.on("exit", (code, signal) => {
        this.exited = true;
        exitCode = code ?? 128 + (signal ? (SIGNALS[signal] ?? 1) : 1);
        // Like a pod ending: whatever the step left running in its group goes too.
        if (child.pid !== undefined) killGroup(child.pid, "SIGKILL");
      });
      child.on("close", () => {
        this.exited = true;
        for (const stream of ["stdout", "stderr"] as const) {
          if (partial[stream] !== "") spec.onLine({ stream, text: partial[stream] });
        }
        if (tail.length > spec.keepStdoutBytes) tail = tail.subarray(tail.length - spec.keepStdoutBytes);
        resolve({
          exitCode: spawnError ? -1 : exitCode,
          stdout: tail.toString("utf8"),
          killed: this.killed,
          ...(spawnError ? { spawnError } : {}),
        });
      });
    });
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

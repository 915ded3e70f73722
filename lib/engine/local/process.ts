import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { type OutputChunk, OutputCollector } from "./output";

export type { OutputChunk };

/** A file the step needs before it starts (a script template's source). */
export interface StepFile {
  path: string;
  text: string;
  mode: number;
}

export interface HostProcessSpec {
  argv: string[];
  cwd: string;
  /** The environment the step starts from (shared between steps: never modified). */
  baseEnv: Readonly<Record<string, string>>;
  /** Variables the step sets on top of `baseEnv`. */
  env: Record<string, string>;
  /** Directories created (with parents) before the process starts: its working directory, its TMPDIR. */
  dirs: string[];
  /** Files written before the process starts (after `dirs`). */
  files: StepFile[];
  /** Asks the launcher to report whether these directories hold exactly these entries once the process exits. */
  pristine?: Record<string, string[]>;
  /** Called for every complete line (and the unterminated tail at exit). */
  onLine: (line: OutputChunk) => void;
  /** Bytes of stdout kept for `outputs.result` (the tail). */
  keepStdoutBytes: number;
}

export interface HostProcessResult {
  /** Exit code; 128+signal when killed by a signal; -1 when it could not start or its launcher died. */
  exitCode: number;
  /** Tail of stdout, at most `keepStdoutBytes`. */
  stdout: string;
  /** Set when the process could not be started. */
  spawnError?: Error;
  /** Set when the launcher that ran the process died before reporting its exit (the process was killed). */
  launcherError?: Error;
  /** Set when `kill()` ended it. */
  killed: boolean;
  /** The launcher's answer to `pristine` (undefined: not checked). */
  pristine?: boolean;
}

/** A running step process, however it was started. */
export interface StepProcess {
  readonly done: Promise<HostProcessResult>;
  /** Kills the process group: SIGTERM, then SIGKILL after `graceMs`. */
  kill(graceMs?: number): void;
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Creates a step's directories and files (what a launcher does before starting the process). */
export async function prepareStep(spec: Pick<HostProcessSpec, "dirs" | "files">): Promise<void> {
  for (const dir of spec.dirs) await mkdir(dir, { recursive: true });
  for (const f of spec.files) await writeFile(f.path, f.text, { mode: f.mode });
}

/**
 * A step's process started with Node's child_process, in its own process group so that the whole tree can be
 * killed at once.
 */
export class HostProcess implements StepProcess {
  readonly done: Promise<HostProcessResult>;
  private pid: number | undefined;
  private killed = false;
  private exited = false;

  constructor(spec: HostProcessSpec) {
    this.done = this.start(spec);
  }

  kill(graceMs = 2000): void {
    this.killed = true;
    if (this.exited || this.pid === undefined) return;
    killGroup(this.pid, "SIGTERM");
    const pid = this.pid;
    const timer = setTimeout(() => killGroup(pid, "SIGKILL"), graceMs);
    timer.unref();
    void this.done.then(() => clearTimeout(timer));
  }

  private async start(spec: HostProcessSpec): Promise<HostProcessResult> {
    try {
      await prepareStep(spec);
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      return { exitCode: -1, stdout: "", killed: false, spawnError: cause };
    }
    return new Promise((resolve) => {
      const [file, ...args] = spec.argv;
      if (file === undefined) {
        resolve({ exitCode: -1, stdout: "", killed: false, spawnError: new Error("empty command") });
        return;
      }
      const child = spawn(file, args, {
        cwd: spec.cwd,
        env: { ...spec.baseEnv, ...spec.env },
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      this.pid = child.pid;
      if (this.killed && this.pid !== undefined) killGroup(this.pid, "SIGKILL");
      const output = new OutputCollector(spec.onLine, spec.keepStdoutBytes);
      child.stdout.on("data", (c: Buffer) => output.feed("stdout", c));
      child.stderr.on("data", (c: Buffer) => output.feed("stderr", c));
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
        const stdout = output.end();
        resolve({
          exitCode: spawnError ? -1 : exitCode,
          stdout,
          killed: this.killed,
          ...(spawnError ? { spawnError } : {}),
        });
      });
    });
  }
}

export function killGroup(pid: number, signal: NodeJS.Signals | number): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

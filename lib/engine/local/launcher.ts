import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { HostProcessResult, HostProcessSpec } from "./process";

/** A running step process, however it was started. */
export interface StepProcess {
  readonly done: Promise<HostProcessResult>;
  kill(graceMs?: number): void;
}

/**
 * Starts steps through one long-lived `sh` instead of Node's `child_process.spawn`: forking the small shell is
 * much cheaper than forking the Node process, and it happens off the event loop. Each step runs
 * `setsid <argv>` (its own process group, as with direct spawns) with stdout/stderr in files of its directory,
 * which are read as they grow. Needs `setsid` (util-linux) on the host.
 */
export class ShellLauncher {
  private helper: ChildProcessWithoutNullStreams | undefined;
  private readonly steps = new Map<string, ShellStep>();
  private seq = 0;
  private buffer = "";

  private ensure(): ChildProcessWithoutNullStreams {
    if (this.helper) return this.helper;
    // Each request line is "<id> <launch script>"; a subshell waits for the step and reports its exit status.
    const script = `while IFS= read -r line; do id=\${line%% *}; f=\${line#* }; ( sh "$f" </dev/null; echo "E $id $?" ) & done`;
    const helper = spawn("sh", ["-c", script], { stdio: ["pipe", "pipe", "pipe"] });
    helper.stdout.setEncoding("utf8");
    helper.stdout.on("data", (chunk: string) => this.onData(chunk));
    helper.stderr.resume();
    helper.on("exit", () => {
      this.helper = undefined;
      for (const step of this.steps.values()) step.exited(-1);
      this.steps.clear();
    });
    helper.unref();
    for (const s of [helper.stdin, helper.stdout, helper.stderr])
      (s as unknown as { unref?: () => void }).unref?.();
    this.helper = helper;
    return helper;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf("\n");
    while (newline >= 0) {
      const [kind, id, value] = this.buffer.slice(0, newline).split(" ");
      this.buffer = this.buffer.slice(newline + 1);
      const step = id ? this.steps.get(id) : undefined;
      if (step && kind === "P") step.started(Number(value));
      if (step && kind === "E") {
        this.steps.delete(id ?? "");
        step.exited(Number(value));
      }
      newline = this.buffer.indexOf("\n");
    }
  }

  async start(spec: HostProcessSpec, stepDir: string): Promise<StepProcess> {
    const id = String(++this.seq);
    const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
    const env = Object.entries(spec.env)
      .filter(([k]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
      .map(([k, v]) => `export ${k}=${quote(v)}`);
    const out = join(stepDir, "stdout");
    const err = join(stepDir, "stderr");
    const launch = join(stepDir, "launch.sh");
    await writeFile(
      launch,
      [
        `cd ${quote(spec.cwd)} || exit 127`,
        ...env,
        `echo "P ${id} $$"`,
        `exec setsid -w ${spec.argv.map(quote).join(" ")} >${quote(out)} 2>${quote(err)}`,
        "",
      ].join("\n"),
    );
    const step = new ShellStep(spec, out, err);
    this.steps.set(id, step);
    this.ensure().stdin.write(`${id} ${launch}\n`);
    return step;
  }

  close(): void {
    this.helper?.stdin.end();
  }
}

class ShellStep implements StepProcess {
  readonly done: Promise<HostProcessResult>;
  private pid: number | undefined;
  private killed = false;
  private finished = false;
  private resolveExit: (code: number) => void = () => {};
  private readonly offsets = { stdout: 0, stderr: 0 };
  private readonly partial = { stdout: "", stderr: "" };
  private readonly poll: NodeJS.Timeout;

  constructor(
    private readonly spec: HostProcessSpec,
    private readonly out: string,
    private readonly err: string,
  ) {
    const exit = new Promise<number>((resolve) => {
      this.resolveExit = resolve;
    });
    this.poll = setInterval(() => void this.drain(false), 250);
    this.done = exit.then(async (code) => {
      clearInterval(this.poll);
      this.finished = true;
      if (this.pid !== undefined) killGroup(this.pid, "SIGKILL");
      await this.drain(true);
      return { exitCode: code, stdout: await this.tail(), killed: this.killed };
    });
  }

  started(pid: number): void {
    this.pid = pid;
    if (this.killed) killGroup(pid, "SIGKILL");
  }

  exited(code: number): void {
    this.resolveExit(code);
  }

  kill(graceMs = 2000): void {
    this.killed = true;
    if (this.pid === undefined || this.finished) return;
    const pid = this.pid;
    killGroup(pid, "SIGTERM");
    setTimeout(() => killGroup(pid, "SIGKILL"), graceMs).unref();
  }

  private async drain(final: boolean): Promise<void> {
    for (const stream of ["stdout", "stderr"] as const) {
      const file = stream === "stdout" ? this.out : this.err;
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(file, "r");
      } catch {
        continue;
      }
      try {
        const { size } = await handle.stat();
        if (size > this.offsets[stream]) {
          const buf = Buffer.alloc(size - this.offsets[stream]);
          await handle.read(buf, 0, buf.length, this.offsets[stream]);
          this.offsets[stream] = size;
          const lines = (this.partial[stream] + buf.toString("utf8")).split("\n");
          this.partial[stream] = lines.pop() ?? "";
          for (const text of lines) this.spec.onLine({ stream, text });
        }
        if (final && this.partial[stream] !== "") {
          this.spec.onLine({ stream, text: this.partial[stream] });
          this.partial[stream] = "";
        }
      } finally {
        await handle.close();
      }
    }
  }

  private async tail(): Promise<string> {
    if (this.spec.keepStdoutBytes <= 0) return "";
    try {
      const handle = await open(this.out, "r");
      try {
        const { size } = await handle.stat();
        const length = Math.min(size, this.spec.keepStdoutBytes);
        const buf = Buffer.alloc(length);
        await handle.read(buf, 0, length, size - length);
        return buf.toString("utf8");
      } finally {
        await handle.close();
      }
    } catch {
      return "";
    }
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

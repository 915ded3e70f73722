import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { accessSync, closeSync, constants as fsConstants, openSync, readSync, statSync } from "node:fs";
import { constants } from "node:os";
import { delimiter, join } from "node:path";
import { OutputCollector } from "./output";
import { type HostProcessResult, type HostProcessSpec, killGroup, type StepProcess } from "./process";
import { ReplyParser, type StepServerReply } from "./step-server-protocol";
import { STEP_SERVER_PROTOCOL, STEP_SERVER_SOURCE } from "./step-server-source";

/** The step server could not be started here (no python3, or one older than 3.8): nothing was run. */
export class StepServerUnavailableError extends Error {}

/** The step server died while the step ran; the step's process group was killed. */
export class StepServerDiedError extends Error {}

const STDERR_KEPT = 2048;

/** The JSON of each directory layout sent with a step (a layout is kept and sent again while its directory is reused). */
const layoutJson = new WeakMap<object, string>();

/**
 * The engine's side of the step server (step-server-source.ts): one long-lived python3 process that starts
 * every step, so that Node never forks itself per step and no per-step file carries output or exit codes.
 */
export class StepServer {
  readonly command: string;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly steps = new Map<number, ServerStep>();
  private readonly parser = new ReplyParser();
  private readonly baseEnv: Record<string, string>;
  /** How each base environment steps use (one per run) differs from the server's. */
  private readonly baseChanges = new WeakMap<object, { set: Record<string, string>; unset: string[] }>();
  private state: "starting" | "ready" | "unavailable" | "dead" = "starting";
  private seq = 0;
  private stderrTail = "";
  /** Requests not yet written (see `write`). */
  private queued = "";

  constructor(command = serverPython()) {
    this.command = command;
    this.baseEnv = currentEnv();
    this.child = spawn(command, ["-I", "-S", "-c", STEP_SERVER_SOURCE], {
      stdio: ["pipe", "pipe", "pipe"],
      env: this.baseEnv,
    });
    const child = this.child;
    child.stdout.on("data", (chunk: Buffer) => this.onData(chunk));
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_KEPT);
    });
    // A write after the server died fails with EPIPE; the exit handler reports it to the steps.
    child.stdin.on("error", () => undefined);
    child.on("error", (error) => this.lost(`could not be started: ${error.message}`));
    // "close", not "exit": replies still in the pipe are read first.
    child.on("close", (code, signal) =>
      this.lost(signal ? `was killed by ${signal}` : `exited with code ${code ?? "unknown"}`),
    );
    // Only running steps keep the engine's process alive, not an idle server.
    child.unref();
    unrefStream(child.stdin);
    unrefStream(child.stdout);
    unrefStream(child.stderr);
  }

  /** The server's pid (undefined if it could not be spawned). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** False once the server has died or turned out unavailable: start a new one. */
  get usable(): boolean {
    return this.state === "starting" || this.state === "ready";
  }

  /** True once python3 has started and answered: steps sent now start without waiting for it. */
  get ready(): boolean {
    return this.state === "ready";
  }

  get unavailable(): boolean {
    return this.state === "unavailable";
  }

  /** Steps sent and not yet finished. */
  get running(): number {
    return this.steps.size;
  }

  start(spec: HostProcessSpec): StepProcess {
    const id = ++this.seq;
    const step = new ServerStep(id, spec, (signal) => this.send({ op: "kill", id, signal }));
    if (!this.usable) {
      step.lost(this.lostError(this.state === "unavailable" ? "is not available" : "is not running"));
      return step;
    }
    this.steps.set(id, step);
    if (this.steps.size === 1) refStream(this.child.stdout);
    const { set, unset } = this.envChanges(spec);
    // Written out by hand: the layout to check (long paths) is the same object for every step that reuses a
    // directory, and is serialized once.
    let request = `{"op":"run","id":${id},"argv":${JSON.stringify(spec.argv)},"cwd":${JSON.stringify(spec.cwd)},"env":${JSON.stringify(set)}`;
    if (unset.length) request += `,"unset":${JSON.stringify(unset)}`;
    if (spec.dirs.length) request += `,"dirs":${JSON.stringify(spec.dirs)}`;
    if (spec.files.length)
      request += `,"files":${JSON.stringify(spec.files.map((f) => [f.path, f.text, f.mode]))}`;
    if (spec.pristine) {
      let layout = layoutJson.get(spec.pristine);
      if (layout === undefined) {
        layout = JSON.stringify(spec.pristine);
        layoutJson.set(spec.pristine, layout);
      }
      request += `,"pristine":${layout}`;
    }
    this.write(`${request}}\n`);
    void step.done.then(() => {
      this.steps.delete(id);
      if (this.steps.size === 0) unrefStream(this.child.stdout);
    });
    return step;
  }

  /** Ends the server: it kills the process groups of steps still running and exits. */
  close(): void {
    if (this.queued !== "") this.flush();
    this.child.stdin.end();
  }

  /** The step's environment as changes to the server's, which the server applies. */
  private envChanges(spec: HostProcessSpec): { set: Record<string, string>; unset: string[] } {
    let base = this.baseChanges.get(spec.baseEnv);
    if (!base) {
      base = diffEnv(this.baseEnv, spec.baseEnv);
      this.baseChanges.set(spec.baseEnv, base);
    }
    const set = Object.keys(base.set).length ? { ...base.set, ...spec.env } : spec.env;
    const unset = base.unset.length ? base.unset.filter((k) => !Object.hasOwn(spec.env, k)) : base.unset;
    return { set, unset };
  }

  private send(message: Record<string, unknown>): void {
    this.write(`${JSON.stringify(message)}\n`);
  }

  private write(line: string): void {
    if (!this.usable) return;
    // Requests made in the same turn of the event loop (a finished step's dependents) go in one write: each write
    // is a system call here and a wake-up in the server.
    if (this.queued === "") setImmediate(() => this.flush());
    this.queued += line;
  }

  private flush(): void {
    const lines = this.queued;
    this.queued = "";
    if (this.usable) this.child.stdin.write(lines);
  }

  private onData(chunk: Buffer): void {
    let replies: StepServerReply[];
    try {
      replies = this.parser.push(chunk);
    } catch (error) {
      this.child.kill("SIGKILL");
      this.lost(`sent a malformed reply (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    for (const reply of replies) {
      if (reply.kind === "ready") {
        if (reply.protocol !== STEP_SERVER_PROTOCOL) {
          this.child.kill("SIGKILL");
          this.lost(`speaks protocol ${reply.protocol}, not ${STEP_SERVER_PROTOCOL}`);
          return;
        }
        this.state = "ready";
        continue;
      }
      const step = this.steps.get(reply.id);
      if (!step) continue;
      if (reply.kind === "started") step.started(reply.pid);
      else if (reply.kind === "output") step.output(reply.stream, reply.data);
      else if (reply.kind === "failed") step.failed(reply.code, reply.message);
      else step.exited(reply.exitCode, reply.pristine);
    }
  }

  private lost(reason: string): void {
    if (!this.usable) return;
    this.state = this.state === "starting" ? "unavailable" : "dead";
    const error = this.lostError(reason);
    for (const step of this.steps.values()) step.lost(error);
    this.steps.clear();
  }

  private lostError(reason: string): Error {
    const who = `the step server (${this.command}${this.child.pid ? `, pid ${this.child.pid}` : ""})`;
    const detail = this.stderrTail.trim() ? `: ${this.stderrTail.trim().split("\n").at(-1)}` : "";
    if (this.state === "unavailable")
      return new StepServerUnavailableError(`${who} ${reason}${detail} (it needs Python 3.8 or later)`);
    return new StepServerDiedError(`${who} ${reason}${detail}; the step's processes were killed`);
  }
}

/** One step run by the step server. */
class ServerStep implements StepProcess {
  readonly done: Promise<HostProcessResult>;
  private resolve: (result: HostProcessResult) => void = () => {};
  private readonly collector: OutputCollector;
  private pid: number | undefined;
  private killed = false;
  private finished = false;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: number,
    spec: HostProcessSpec,
    private readonly signal: (signal: number) => void,
  ) {
    this.collector = new OutputCollector(spec.onLine, spec.keepStdoutBytes);
    this.done = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  kill(graceMs = 2000): void {
    this.killed = true;
    if (this.finished) return;
    // The server handles requests in order, so this reaches the step even before it has reported its start.
    this.signal(constants.signals.SIGTERM);
    clearTimeout(this.killTimer);
    this.killTimer = setTimeout(() => this.signal(constants.signals.SIGKILL), graceMs);
    this.killTimer.unref();
  }

  started(pid: number): void {
    this.pid = pid;
  }

  output(stream: "stdout" | "stderr", data: Buffer): void {
    this.collector.feed(stream, data);
  }

  failed(code: string, message: string): void {
    const error = Object.assign(new Error(message), { code });
    this.finish({ exitCode: -1, stdout: "", killed: this.killed, spawnError: error });
  }

  exited(exitCode: number, pristine: boolean | undefined): void {
    this.finish({
      exitCode,
      stdout: this.collector.end(),
      killed: this.killed,
      ...(pristine === undefined ? {} : { pristine }),
    });
  }

  lost(error: Error): void {
    // The server can no longer end the step's group, so do it here.
    if (this.pid !== undefined) killGroup(this.pid, "SIGKILL");
    this.finish({ exitCode: -1, stdout: this.collector.end(), killed: this.killed, launcherError: error });
  }

  private finish(result: HostProcessResult): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.killTimer);
    this.resolve(result);
  }
}

/**
 * The python3 that runs the server: the first on PATH that is a program, not a script. Version managers (pyenv,
 * asdf) put shell-script shims first on PATH, which run a chain of processes before python starts (most of the
 * server's start, and every step but the first waits for it) and leave their variables in the server's
 * environment, which it passes to the steps it starts. The server runs no user code: any python3 ≥ 3.8 does,
 * and steps that run python still find it on their PATH as before. `python3` when PATH has no such program.
 */
export function serverPython(path = process.env.PATH ?? ""): string {
  const head = Buffer.alloc(2);
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, "python3");
    let fd: number | undefined;
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, fsConstants.X_OK);
      fd = openSync(file, fsConstants.O_RDONLY);
      const read = readSync(fd, head, 0, 2, 0);
      if (read === 2 && head[0] === 0x23 && head[1] === 0x21) continue; // "#!"
      return file;
    } catch {
      // Missing or unreadable here: the next directory.
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  return "python3";
}

function currentEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}

/** What `env` changes relative to `base`. */
function diffEnv(
  base: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string>>,
): { set: Record<string, string>; unset: string[] } {
  const set: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (base[k] !== v) set[k] = v;
  const unset = Object.keys(base).filter((k) => !Object.hasOwn(env, k));
  return { set, unset };
}

interface Refable {
  ref?: () => unknown;
  unref?: () => unknown;
}

function unrefStream(stream: unknown): void {
  (stream as Refable).unref?.();
}

function refStream(stream: unknown): void {
  (stream as Refable).ref?.();
}

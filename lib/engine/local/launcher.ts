import { availableParallelism } from "node:os";
import { HostProcess, type HostProcessResult, type HostProcessSpec, type StepProcess } from "./process";
import { StepServer, StepServerUnavailableError } from "./step-server";

/** Starts step processes. */
export interface StepLauncher {
  start(spec: HostProcessSpec): StepProcess;
}

/** How step processes start (the engine's `launcher` option). */
export type LauncherKind = "auto" | "server" | "spawn";

/**
 * Step servers, started as steps need them: one per core, up to four. A server is blocked in each `posix_spawn`
 * until the new step has exec'd (vfork), which on a loaded machine is most of a no-op step's start, so one server
 * starts steps one at a time while a core idles; two started 1,000 no-op steps 1.3-1.6 times faster than one on
 * two cores. Another is started only while every one has a step running.
 */
export class StepServerPool {
  private readonly servers: StepServer[] = [];

  constructor(
    readonly size = Math.max(1, Math.min(availableParallelism(), 4)),
    private readonly make: () => StepServer = () => new StepServer(),
  ) {}

  /** The server for the next step: the one with the fewest steps running. */
  get(): StepServer {
    let best: StepServer | undefined;
    for (let i = this.servers.length - 1; i >= 0; i--) {
      const s = this.servers[i] as StepServer;
      // An unavailable server (no usable python3) is kept and answered, so that steps fall back at once.
      if (s.unavailable) return s;
      // A dead one is replaced.
      if (!s.usable) this.servers.splice(i, 1);
      else if (!best || s.running <= best.running) best = s;
    }
    if (!best || (best.running > 0 && this.servers.length < this.size)) {
      best = this.make();
      this.servers.push(best);
    }
    return best;
  }

  /** A ready server with the fewest steps running, if there is one; starts none. */
  readyServer(): StepServer | undefined {
    let best: StepServer | undefined;
    for (const s of this.servers) if (s.ready && (!best || s.running < best.running)) best = s;
    return best;
  }

  /** The servers started so far and still usable (or unavailable). */
  get started(): readonly StepServer[] {
    return this.servers;
  }
}

/** The servers shared by every engine of this process (cheap to keep, slower to start than a step). */
const shared = new StepServerPool();

/** The shared servers started so far (for measurements). */
export function sharedStepServers(): readonly StepServer[] {
  return shared.started;
}

/**
 * `spawn`: Node's child_process for every step. `server`: every step through a step server (steps fail with
 * phase Error when it cannot run here). `auto`: through a step server when this host can run one (python3 ≥ 3.8),
 * else child_process; but an engine's first step goes to child_process unless a server is ready already, and
 * starts none: a one-step run neither waits for python3 to start nor pays for a process it would not use. (Later
 * steps wait for a starting server rather than fork Node meanwhile, which costs more than the wait.)
 */
export function launcherFor(kind: LauncherKind, pool: StepServerPool = shared): StepLauncher {
  if (kind === "spawn") return { start: (spec) => new HostProcess(spec) };
  if (kind === "server") return { start: (spec) => pool.get().start(spec) };
  let first = true;
  return {
    start(spec) {
      const s = first ? pool.readyServer() : pool.get();
      first = false;
      if (!s || s.unavailable) return new HostProcess(spec);
      return new FallbackStep(s.start(spec), spec);
    },
  };
}

/** A step sent to the step server that is started with child_process instead if the server is unavailable. */
class FallbackStep implements StepProcess {
  readonly done: Promise<HostProcessResult>;
  private current: StepProcess;
  private killedWith: number | undefined;

  constructor(first: StepProcess, spec: HostProcessSpec) {
    this.current = first;
    this.done = first.done.then((result) => {
      if (!(result.launcherError instanceof StepServerUnavailableError)) return result;
      // Nothing ran: start it the other way (and pass on a kill that came meanwhile).
      this.current = new HostProcess(spec);
      if (this.killedWith !== undefined) this.current.kill(this.killedWith);
      return this.current.done;
    });
  }

  kill(graceMs = 2000): void {
    this.killedWith = graceMs;
    this.current.kill(graceMs);
  }
}

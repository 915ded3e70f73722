import { HostProcess, type HostProcessResult, type HostProcessSpec, type StepProcess } from "./process";
import { StepServer, StepServerUnavailableError } from "./step-server";

/** Starts step processes. */
export interface StepLauncher {
  start(spec: HostProcessSpec): StepProcess;
}

/** How step processes start (the engine's `launcher` option). */
export type LauncherKind = "auto" | "server" | "spawn";

/**
 * The step server, shared by every engine of this process (it is cheap to keep and slower to start than a step);
 * a new one is started when the last one died.
 */
let shared: StepServer | undefined;

export function sharedStepServer(): StepServer {
  if (!shared || (!shared.usable && !shared.unavailable)) shared = new StepServer();
  return shared;
}

/**
 * `spawn`: Node's child_process for every step. `server`: every step through the step server (steps fail with
 * phase Error when it cannot run here). `auto`: the step server when this host can run it (python3 ≥ 3.8),
 * else child_process.
 */
export function launcherFor(kind: LauncherKind, server: () => StepServer = sharedStepServer): StepLauncher {
  if (kind === "spawn") return { start: (spec) => new HostProcess(spec) };
  if (kind === "server") return { start: (spec) => server().start(spec) };
  return {
    start(spec) {
      const s = server();
      return s.unavailable ? new HostProcess(spec) : new FallbackStep(s.start(spec), spec);
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

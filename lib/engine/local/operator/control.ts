import type { StepProcess } from "../process";

/** Why an execution stops scheduling: Argo's shutdown strategies and the workflow deadline. */
export type HaltKind = "Stop" | "Terminate" | "Deadline";

interface RunningProcess {
  proc: StepProcess;
  onExit: boolean;
  halt?: HaltKind;
}

/**
 * Whether an execution may start nodes: its halt (stop, terminate, deadline), `spec.suspend`, and the step
 * processes a halt kills.
 */
export class ExecutionControl {
  halted: { kind: HaltKind } | undefined;
  private readonly processes = new Map<string, RunningProcess>();
  private readonly haltListeners = new Set<() => void>();
  private suspendGate: { promise: Promise<void>; release: () => void } | undefined;

  constructor(private readonly killGraceMs: number) {}

  /** Kills the processes the halt reaches (a Stop spares exit handlers) and wakes whatever waits. */
  halt(kind: HaltKind): void {
    if (this.halted?.kind === "Terminate") return;
    this.halted = { kind };
    for (const entry of this.processes.values()) {
      if (kind === "Terminate" || !entry.onExit) {
        entry.halt ??= kind;
        entry.proc.kill(this.killGraceMs);
      }
    }
    for (const listener of [...this.haltListeners]) listener();
    this.setSuspended(false);
  }

  /** Calls `listener` on every halt; returns the function that removes it. */
  onHalt(listener: () => void): () => void {
    this.haltListeners.add(listener);
    return () => this.haltListeners.delete(listener);
  }

  /** Whether a node may start: an exit handler keeps running through Stop and past the deadline. */
  canSchedule(onExit: boolean): boolean {
    if (!this.halted) return true;
    return onExit && this.halted.kind !== "Terminate";
  }

  /** A pod that is not created because of a shutdown (workflowpod.go: markNodeFailedOnShutdown), or the deadline's. */
  podHaltMessage(): string {
    const kind = this.halted?.kind;
    return kind === "Stop" || kind === "Terminate"
      ? `workflow shutdown with strategy: ${kind}`
      : this.haltMessage();
  }

  haltMessage(): string {
    return this.halted?.kind === "Deadline"
      ? "Step exceeded its deadline"
      : `Stopped with strategy '${this.halted?.kind}'`;
  }

  /** Waits `ms`, or less when a halt stops the caller from scheduling. */
  async sleep(ms: number, onExit: boolean): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const off = this.onHalt(() => {
        if (!this.canSchedule(onExit)) done();
      });
      function done() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }

  /** `spec.suspend`: no new node starts while suspended; running steps continue. */
  setSuspended(suspended: boolean): void {
    if (suspended && !this.suspendGate) {
      let release = () => {};
      const promise = new Promise<void>((resolve) => {
        release = resolve;
      });
      this.suspendGate = { promise, release };
    } else if (!suspended && this.suspendGate) {
      this.suspendGate.release();
      this.suspendGate = undefined;
    }
  }

  /**
   * What a node must wait for before it starts: the end of a suspension, or nothing (undefined, so that the caller
   * awaits only when suspended). Suspend does not hold exit handlers.
   */
  suspension(onExit: boolean): Promise<void> | undefined {
    return onExit ? undefined : this.suspendGate?.promise;
  }

  /** Records a started step process; one started after a halt that reaches it is killed at once. */
  started(nodeId: string, proc: StepProcess, onExit: boolean): void {
    const entry: RunningProcess = { proc, onExit };
    this.processes.set(nodeId, entry);
    if (!this.canSchedule(onExit)) {
      entry.halt = this.halted?.kind;
      proc.kill(this.killGraceMs);
    }
  }

  ended(nodeId: string): void {
    this.processes.delete(nodeId);
  }

  /** The halt that killed a node's process, if one did. */
  haltOf(nodeId: string): HaltKind | undefined {
    return this.processes.get(nodeId)?.halt;
  }
}

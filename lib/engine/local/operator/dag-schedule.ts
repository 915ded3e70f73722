import type { DAGTask } from "../../../argo";
import type { DagGraph } from "./dag-graph";

/** What the schedule asks of the DAG runner about one task. */
export interface TaskActions {
  /** Whether the task's node is kept from before a retry (fulfilled and not failed): it settles at once. */
  kept(t: string): boolean;
  /**
   * For a task whose dependencies settled: run it now, wait (a dependency's exit hook runs, or a halt holds it),
   * or treat it as settled (its node was made Omitted or Error).
   */
  decide(t: string, task: DAGTask): "run" | "wait" | "settled";
  /** Runs the task; never rejects. */
  run(t: string, task: DAGTask): Promise<void>;
  /** A task that settled with a node whose outputs the scope may read. */
  scoped(t: string): void;
}

/**
 * Which task of a DAG starts when. A task is looked at on the first pass, when its last dependency settles, and
 * again while it waits: rescanning every task each time one settles was O(tasks²). Within a pass tasks go in
 * declaration order, as a full scan would take them.
 */
export class DagSchedule {
  private readonly started = new Set<string>();
  private readonly settled = new Set<string>();
  private readonly unsettledDeps = new Map<string, number>();
  private readonly dependants = new Map<string, string[]>();
  private candidates: Set<string>;
  private running = 0;
  private wake: () => void = () => {};

  constructor(
    private readonly graph: DagGraph,
    needed: ReadonlySet<string>,
    private readonly actions: TaskActions,
  ) {
    for (const t of needed) {
      const deps = new Set(graph.depsOf(t));
      this.unsettledDeps.set(t, deps.size);
      for (const d of deps) {
        const list = this.dependants.get(d);
        if (list) list.push(t);
        else this.dependants.set(d, [t]);
      }
    }
    this.candidates = new Set(needed);
  }

  /**
   * Starts what can start; returns what resolves once nothing runs and nothing more can start, or undefined when
   * nothing runs already (so that the DAG ends without waiting a turn).
   */
  run(): Promise<void> | undefined {
    this.pump();
    if (this.running === 0) return undefined;
    // Tasks are scheduled from a microtask queued when one settles (as soon as this function would have resumed
    // from an await), not by resuming this function once per task: resumed that often, the whole of it became
    // hot and V8 compiled it, and compiled it again, in the first runs of every process.
    return new Promise<void>((resolve, reject) => {
      let queued = false;
      const step = () => {
        queued = false;
        try {
          this.pump();
        } catch (error) {
          reject(error);
          return;
        }
        if (this.running === 0) resolve();
      };
      this.wake = () => {
        if (queued) return;
        queued = true;
        queueMicrotask(step);
      };
    });
  }

  private pump(): void {
    let progressed = true;
    while (progressed) {
      const before = this.settled.size + this.started.size;
      this.pass();
      progressed = this.settled.size + this.started.size !== before;
    }
  }

  private pass(): void {
    const byOrder = this.graph.byOrder;
    const queue = [...this.candidates].sort(byOrder);
    this.candidates = new Set();
    const waiting: string[] = [];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const t = next;
      // Tasks that became ready behind this one join this pass; those ahead of it wait for the next.
      for (const c of this.candidates) {
        if (byOrder(c, t) <= 0) continue;
        this.candidates.delete(c);
        const at = queue.findIndex((q) => byOrder(q, c) > 0);
        queue.splice(at < 0 ? queue.length : at, 0, c);
      }
      const task = this.graph.tasks.get(t);
      if (!task || this.started.has(t) || this.settled.has(t)) continue;
      if (this.actions.kept(t)) {
        this.settle(t);
        this.actions.scoped(t);
        continue;
      }
      if ((this.unsettledDeps.get(t) ?? 0) > 0) continue;
      const decision = this.actions.decide(t, task);
      if (decision === "wait") {
        waiting.push(t);
        continue;
      }
      if (decision === "settled") {
        this.settle(t);
        // An Omitted task's declared outputs are in scope too (absent, or their defaults).
        this.actions.scoped(t);
        continue;
      }
      this.started.add(t);
      this.running++;
      void this.actions.run(t, task).finally(() => {
        this.running--;
        this.started.delete(t);
        this.settle(t);
        this.actions.scoped(t);
        this.wake();
      });
    }
    for (const t of waiting) this.candidates.add(t);
  }

  private settle(t: string): void {
    if (this.settled.has(t)) return;
    this.settled.add(t);
    for (const d of this.dependants.get(t) ?? []) {
      const left = (this.unsettledDeps.get(d) ?? 0) - 1;
      this.unsettledDeps.set(d, left);
      if (left === 0) this.candidates.add(d);
    }
  }
}

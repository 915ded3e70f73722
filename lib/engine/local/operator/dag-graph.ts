import type { DAGTask } from "../../../argo";
import { dependenciesToDepends, dependsTaskNames } from "../../../argo/depends";

/** The tasks of a DAG template and their dependency edges (`depends` or `dependencies`). */
export class DagGraph {
  readonly tasks: Map<string, DAGTask>;
  /** Declaration order: within a scheduling pass tasks go in it, as a full scan would take them. */
  private readonly order: ReadonlyMap<string, number>;

  constructor(private readonly list: readonly DAGTask[]) {
    this.tasks = new Map(list.map((t) => [t.name, t]));
    this.order = new Map(list.map((t, i) => [t.name, i]));
  }

  /** The names of the tasks `t` depends on. */
  deps(t: DAGTask): string[] {
    return t.depends ? dependsTaskNames(t.depends) : [...(t.dependencies ?? [])];
  }

  /** The deps of the task named `name` (none for an unknown name). */
  depsOf(name: string): string[] {
    const task = this.tasks.get(name);
    return task ? this.deps(task) : [];
  }

  continueOn = (name: string): DAGTask["continueOn"] => this.tasks.get(name)?.continueOn;

  /** The task's `depends` expression, built from `dependencies` when it has none. */
  dependsLogic(t: DAGTask): string {
    return t.depends ?? dependenciesToDepends(t.dependencies ?? [], this.continueOn);
  }

  /** Why the graph cannot run (a dependency on a task that does not exist), or undefined. */
  problem(): string | undefined {
    for (const t of this.list) {
      for (const d of this.deps(t)) {
        if (!this.tasks.has(d)) return `task '${t.name}' references a non-existent task '${d}'`;
      }
    }
    return undefined;
  }

  /** `target` (space-separated, substituted) or, without one, the tasks nothing depends on, sorted. */
  targets(target: string | undefined): string[] {
    if (target) return target.split(" ").filter(Boolean);
    const hasDependants = new Set(this.list.flatMap((t) => this.deps(t)));
    return this.list
      .map((t) => t.name)
      .filter((n) => !hasDependants.has(n))
      .sort();
  }

  /** The targets and everything they depend on, transitively. */
  needed(targets: readonly string[]): Set<string> {
    const needed = new Set<string>();
    const visit = (n: string) => {
      if (needed.has(n)) return;
      needed.add(n);
      for (const d of this.depsOf(n)) visit(d);
    };
    for (const t of targets) visit(t);
    return needed;
  }

  byOrder = (a: string, b: string): number => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0);
}

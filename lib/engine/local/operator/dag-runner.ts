import type { Artifact, DAGTask, NodeStatus, Template } from "../../../argo";
import { type DependsTaskState, dependenciesSatisfied } from "../../../argo/depends";
import { evaluateDepends } from "../../../argo/expr";
import { failedOrError, isFulfilled, type NodePhase } from "../../../argo/phases";
import { assessDagPhase } from "../dag-phase";
import {
  addAggregateToScope,
  addNodeToScope,
  itemSuffix,
  itemVars,
  loopItems,
  newScope,
  type Scope,
  subst,
  substDeep,
} from "../scope";
import { Semaphore } from "../semaphore";
import { type ExecRequest, type Invocation, innerScope, type RunContext } from "./context";
import { DagGraph } from "./dag-graph";
import { DagSchedule, type TaskActions } from "./dag-schedule";
import { runStepOrTask } from "./step-or-task";
import {
  addProducerToScope,
  artifactRefs,
  inLoopOrder,
  resolveTemplateOutputs,
  resultReferences,
  substituteStep,
} from "./template-io";

// Left unsubstituted: items and dependencies as written. A constant, so that substDeep remembers which objects
// have no tags.
const KEEP_TASK_LOGIC: ReadonlySet<string> = new Set(["withItems", "depends", "dependencies"]);
const FAIL_FAST_MESSAGE = "template has failed or errored children and failFast enabled";
/** The children Argo's failFast counts (getUnsuccessfulChildren): pods, steps and DAGs. */
const FAIL_FAST_TYPES: ReadonlySet<string> = new Set(["Pod", "Steps", "DAG"]);

/** Runs a DAG template: each task once its dependencies settle and its `depends` holds, up to its targets. */
export async function runDag(ctx: RunContext, { node, tmpl, vars, req }: Invocation): Promise<void> {
  const dag = tmpl.dag;
  if (!dag) return;
  const graph = new DagGraph(dag.tasks);
  const problem = graph.problem();
  if (problem) {
    ctx.table.mark(node, "Error", problem);
    return;
  }
  const targets = graph.targets(dag.target ? subst(dag.target, vars) : undefined);
  const unknown = targets.find((t) => !graph.tasks.has(t));
  if (unknown !== undefined) {
    ctx.table.mark(node, "Error", `target '${unknown}' is not a task of template ${tmpl.name ?? ""}`);
    return;
  }
  const runner = new DagRunner(ctx, node, tmpl, graph, targets, vars, req);
  const running = runner.schedule.run();
  if (running) await running;
  runner.finish(dag.failFast !== false);
}

/**
 * The scope of a DAG's tasks. A settled task's outputs are added only when something reads the scope: most DAGs
 * never do (no task has a tag or an argument), and adding five variables per task to a scope of thousands was a
 * hot spot.
 */
class LazyTaskScope implements Scope {
  private readonly eager: Scope;
  private unscoped: string[] = [];

  constructor(
    vars: Record<string, string>,
    artifacts: Record<string, Artifact>,
    private readonly addTask: (scope: Scope, task: string) => void,
  ) {
    this.eager = newScope(vars, artifacts);
  }

  /** A settled task whose outputs are added before the scope is next read. */
  add(task: string): void {
    this.unscoped.push(task);
  }

  get vars(): Record<string, string> {
    if (this.unscoped.length) this.flush();
    return this.eager.vars;
  }

  get artifacts(): Record<string, Artifact> {
    if (this.unscoped.length) this.flush();
    return this.eager.artifacts;
  }

  private flush(): void {
    const pending = this.unscoped;
    this.unscoped = [];
    for (const t of pending) this.addTask(this.eager, t);
  }
}

/** The nodes of one DAG's tasks: what the schedule decides with, and how a task runs. */
class DagRunner implements TaskActions {
  readonly schedule: DagSchedule;
  private readonly scope: LazyTaskScope;
  /** Tasks whose outputs.result a sibling reads. */
  private readonly refs: Set<string>;
  private readonly parallel: Semaphore | undefined;
  /** Node ids by task name, looked up for every scheduling decision. */
  private readonly taskIds = new Map<string, string>();
  private readonly hookIds = new Map<string, string>();

  constructor(
    private readonly ctx: RunContext,
    private readonly node: NodeStatus,
    private readonly tmpl: Template,
    private readonly graph: DagGraph,
    private readonly targets: string[],
    vars: Record<string, string>,
    private readonly req: ExecRequest,
  ) {
    this.scope = new LazyTaskScope(vars, artifactRefs(ctx.globals.artifacts, tmpl), (scope, t) =>
      this.addTaskToScope(scope, t),
    );
    this.refs = resultReferences(tmpl);
    this.parallel = tmpl.parallelism ? new Semaphore(tmpl.parallelism) : undefined;
    this.schedule = new DagSchedule(graph, graph.needed(targets), this);
  }

  /** Once nothing runs: the DAG node's phase (Argo's assessDAGPhase), outbound nodes and outputs. */
  finish(failFast: boolean): void {
    const { ctx, node, targets } = this;
    if (this.failedFast()) {
      // checkParallelism: a failFast template with an unsuccessful child fails once none of its pods runs.
      node.outboundNodes = this.outboundOfTargets();
      ctx.table.mark(node, "Failed", FAIL_FAST_MESSAGE);
      return;
    }
    // Nothing runs now (while a task runs, the BFS would stop at it: Running).
    const phase = assessDagPhase(ctx.table, node, targets, this.graph.tasks, failFast);
    if (phase === "Running") {
      // Nothing runs and nothing more can start.
      if (ctx.control.canSchedule(this.req.onExit)) {
        ctx.table.mark(node, "Error", "deadlock: no task of the DAG can run");
        return;
      }
      ctx.table.mark(node, "Failed", ctx.control.haltMessage());
      return;
    }
    node.outboundNodes = this.outboundOfTargets();
    if (phase === "Succeeded") resolveTemplateOutputs(ctx.table, node, this.tmpl, this.scope);
    if (!isFulfilled(node)) ctx.table.mark(node, phase);
  }

  /** The targets' outbound nodes; a target with no node (e.g. never reached) has none. */
  private outboundOfTargets(): string[] {
    return this.targets.flatMap((t) => {
      const n = this.taskNode(t);
      return n ? this.ctx.table.outbound(n.id) : [];
    });
  }

  /**
   * The template's own `failFast` (not `dag.failFast`): set, and a pod, steps or DAG child of this DAG failed or
   * errored. No task starts after that (Argo's checkParallelism refuses new children of the boundary).
   */
  private failedFast(): boolean {
    if (!this.tmpl.failFast) return false;
    const id = this.node.id;
    return Object.values(this.ctx.table.nodes).some(
      (n) => n.boundaryID === id && FAIL_FAST_TYPES.has(n.type) && failedOrError(n.phase),
    );
  }

  kept(t: string): boolean {
    const existing = this.taskNode(t);
    return !!existing && isFulfilled(existing) && !failedOrError(existing.phase);
  }

  decide(t: string, task: DAGTask): "run" | "wait" | "settled" {
    const deps = this.graph.deps(task);
    if (!deps.every((d) => this.exitHookFulfilled(d)) || !this.ctx.control.canSchedule(this.req.onExit)) {
      return "wait";
    }
    if (this.failedFast()) return "wait";
    // As `if (logic)` on the depends expression, without building it for a `dependencies` list.
    if (task.depends !== undefined ? task.depends === "" : deps.length === 0) return "run";
    const states = this.dependencyStates(deps);
    const continueOn = this.graph.continueOn;
    let execute: boolean;
    try {
      execute =
        (task.depends === undefined ? dependenciesSatisfied(deps, states, continueOn) : undefined) ??
        evaluateDepends(this.graph.dependsLogic(task), states, continueOn);
    } catch (error) {
      this.settleAs(t, task, "Error", error instanceof Error ? error.message : String(error));
      return "settled";
    }
    if (execute) return "run";
    this.settleAs(t, task, "Omitted", "omitted: depends condition not met");
    return "settled";
  }

  run(t: string, task: DAGTask): Promise<void> {
    return this.runTask(t, task).catch((error: unknown) => {
      const n =
        this.taskNode(t) ??
        this.ctx.table.init(this.taskName(t), "Skipped", { boundaryId: this.node.id, phase: "Error" });
      if (!isFulfilled(n))
        this.ctx.table.mark(n, "Error", error instanceof Error ? error.message : String(error));
    });
  }

  scoped(t: string): void {
    this.scope.add(t);
  }

  private async runTask(t: string, task: DAGTask): Promise<void> {
    const { table } = this.ctx;
    const name = this.taskName(t);
    let resolved: DAGTask;
    let items: unknown[] | undefined;
    try {
      resolved = substituteStep(task, this.scope.vars, KEEP_TASK_LOGIC);
      items = loopItems(resolved);
    } catch (error) {
      this.connect(t, name);
      table.init(name, "Skipped", {
        boundaryId: this.node.id,
        templateName: task.template,
        phase: "Error",
        message: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    const capture = this.refs.has(t);
    this.connect(t, name);
    if (items === undefined) {
      await this.runOne(name, resolved, capture);
      return;
    }
    const group = table.init(name, "TaskGroup", {
      boundaryId: this.node.id,
      templateName: task.template,
      phase: "Running",
    });
    if (items.length === 0) {
      table.mark(group, "Skipped", "Skipped, empty params");
      return;
    }
    const children = await Promise.all(
      items.map((item, k) => {
        const childName = name + itemSuffix(k, item);
        table.addChild(name, childName);
        const s = substDeep(
          { ...resolved, withItems: undefined, withParam: undefined, withSequence: undefined },
          { ...this.scope.vars, ...itemVars(item) },
        );
        return this.runOne(childName, s, capture);
      }),
    );
    const bad = children.find((c) => failedOrError(c.phase));
    table.mark(group, bad ? (bad.phase as NodePhase) : "Succeeded");
  }

  private async runOne(name: string, task: DAGTask, captureResult: boolean): Promise<NodeStatus> {
    const release = this.parallel ? await this.parallel.acquire() : undefined;
    try {
      const child = await runStepOrTask(
        this.ctx,
        { name, step: task, boundary: this.node, scope: this.scope, captureResult, kind: "tasks" },
        this.req,
      );
      // A task whose template could not be executed errs with the error worded as executeDAGTask does.
      const error = this.ctx.templateErrors.get(child);
      if (error !== undefined) this.ctx.table.mark(child, "Error", `task '${name}' errored: ${error}`);
      return child;
    } finally {
      release?.();
    }
  }

  /** A task that does not run: its node made with this phase, hung off its dependencies. */
  private settleAs(t: string, task: DAGTask, phase: "Error" | "Omitted", message: string): void {
    this.connect(t, this.taskName(t));
    this.ctx.table.init(this.taskName(t), "Skipped", {
      boundaryId: this.node.id,
      templateName: task.template,
      phase,
      message,
    });
  }

  /** A task without dependencies hangs off the DAG node, one with them off their outbound nodes. */
  private connect(t: string, name: string): void {
    const { table } = this.ctx;
    const deps = this.graph.depsOf(t);
    if (deps.length === 0) table.addChild(this.node.name, name);
    else {
      const id = table.id(name);
      for (const d of deps) {
        const dn = this.taskNode(d);
        if (dn) for (const o of table.outbound(dn.id)) table.addChildId(o, id);
      }
    }
  }

  /** The phases `depends` is evaluated over; a looped dependency also says how its children went. */
  private dependencyStates(deps: string[]): Record<string, DependsTaskState> {
    const states: Record<string, DependsTaskState> = {};
    for (const d of deps) {
      const dn = this.taskNode(d);
      const phase = (dn?.phase as NodePhase) ?? "Omitted";
      if (dn?.type === "TaskGroup") {
        const kids = (dn.children ?? []).map((id) => this.ctx.table.get(id));
        states[d] = {
          phase,
          loop: {
            anySucceeded: kids.some((k) => k?.phase === "Succeeded"),
            allFailed: kids.length > 0 && kids.every((k) => k?.phase === "Failed"),
          },
        };
      } else states[d] = { phase };
    }
    return states;
  }

  /** Whether a dependency's exit hook, if it has one, is done: its dependants wait for it. */
  private exitHookFulfilled(t: string): boolean {
    // Only a task with an exit hook can have a hook node (its id is a hash: not worth making for the rest).
    const task = this.graph.tasks.get(t);
    if (!task?.hooks?.exit && !task?.onExit) return true;
    let id = this.hookIds.get(t);
    if (id === undefined) {
      id = this.ctx.table.id(`${this.taskName(t)}.onExit`);
      this.hookIds.set(t, id);
    }
    const exit = this.ctx.table.get(id);
    return !exit || isFulfilled(exit);
  }

  private addTaskToScope(scope: Scope, t: string): void {
    const n = this.taskNode(t);
    if (!n) return;
    const prefix = `tasks.${t}`;
    if (n.type === "TaskGroup") {
      addAggregateToScope(scope, prefix, inLoopOrder(this.ctx.table, n.children));
      addNodeToScope(scope, prefix, n);
    } else {
      const task = this.graph.tasks.get(t);
      addProducerToScope(
        scope,
        prefix,
        n,
        this.ctx.lookup(innerScope(this.req), task?.template, task?.templateRef),
      );
    }
  }

  private taskName(t: string): string {
    return `${this.node.name}.${t}`;
  }

  private taskNode(t: string): NodeStatus | undefined {
    let id = this.taskIds.get(t);
    if (id === undefined) {
      id = this.ctx.table.id(this.taskName(t));
      this.taskIds.set(t, id);
    }
    return this.ctx.table.get(id);
  }
}

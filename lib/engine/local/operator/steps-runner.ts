import type { NodeStatus, Template, WorkflowStep } from "../../../argo";
import { failedOrError, isFulfilled } from "../../../argo/phases";
import {
  addAggregateToScope,
  addNodeToScope,
  itemSuffix,
  itemVars,
  LoopError,
  loopItems,
  newScope,
  type Scope,
  substDeep,
} from "../scope";
import { Semaphore } from "../semaphore";
import { type ExecRequest, type Invocation, innerScope, type RunContext } from "./context";
import { runStepOrTask, startFailure } from "./step-or-task";
import {
  addProducerToScope,
  artifactRefs,
  inLoopOrder,
  resolveTemplateOutputs,
  resultReferences,
  substituteStep,
} from "./template-io";

// Left unsubstituted: items as written. A constant, so that substDeep remembers which objects have no tags.
const KEEP_ITEMS: ReadonlySet<string> = new Set(["withItems"]);
const FAIL_FAST_MESSAGE = "template has failed or errored children and failFast enabled";

interface StepResult {
  step: WorkflowStep;
  child: NodeStatus;
}

interface ReadyStep {
  name: string;
  step: WorkflowStep;
  stepName: string;
}

/** A step of a group, ready to run (its loop expanded), or already settled without running. */
type Planned = ReadyStep | { settled: Promise<StepResult> };

/** What one step group's steps share while they run. */
interface GroupRun {
  name: string;
  /** failFast: set by the first failed step; steps not started yet are never created. */
  failFastHit: boolean;
}

/** Runs a steps template: its groups one after another, the steps of a group in parallel. */
export function runSteps(ctx: RunContext, { node, tmpl, vars, req }: Invocation): Promise<void> {
  return new StepsRunner(ctx, node, tmpl, vars, req).run();
}

class StepsRunner {
  private readonly scope: Scope;
  private readonly parallel: Semaphore | undefined;
  /** Steps whose outputs.result a sibling reads. */
  private readonly refs: Set<string>;

  constructor(
    private readonly ctx: RunContext,
    private readonly node: NodeStatus,
    private readonly tmpl: Template,
    vars: Record<string, string>,
    private readonly req: ExecRequest,
  ) {
    this.scope = newScope(vars, artifactRefs(ctx.globals.artifacts, tmpl));
    this.parallel = tmpl.parallelism ? new Semaphore(tmpl.parallelism) : undefined;
    this.refs = resultReferences(tmpl);
  }

  async run(): Promise<void> {
    const { ctx, node } = this;
    let lastGroupName: string | undefined;
    for (const [i, group] of (this.tmpl.steps ?? []).entries()) {
      if (!ctx.control.canSchedule(this.req.onExit)) {
        ctx.table.mark(node, "Failed", ctx.control.haltMessage());
        return;
      }
      const suspension = ctx.control.suspension(this.req.onExit);
      if (suspension) await suspension;
      const sgName = `${node.name}[${i}]`;
      const sg = ctx.table.init(sgName, "StepGroup", { boundaryId: node.id, phase: "Running" });
      if (isFulfilled(sg) && !failedOrError(sg.phase)) {
        // Kept from before a retry: rebuild the scope from its children.
        this.addGroupToScope(sgName, group);
        lastGroupName = sgName;
        continue;
      }
      ctx.table.mark(sg, "Running", "");
      this.connect(i, sgName, lastGroupName);
      const run: GroupRun = { name: sgName, failFastHit: false };
      // The group's references resolve before any of its steps starts; one that cannot fails the group and no
      // step runs (steps.go, executeStepGroup → resolveReferences).
      const planned: Planned[] = [];
      let unresolved: string | undefined;
      for (const step of group) {
        const resolved = this.resolve(step);
        if (resolved instanceof Error) {
          unresolved ??= `failed to resolve references: ${resolved.message}`;
          continue;
        }
        planned.push(...this.plan(step, resolved, run));
      }
      if (unresolved !== undefined) {
        ctx.table.mark(sg, "Error", unresolved);
        node.outboundNodes = this.groupOutbound(sgName);
        ctx.table.mark(node, "Failed", unresolved);
        return;
      }
      // Started in plan order, each before the next is planned: nodes are made in the order Argo makes them.
      const runs: Array<Promise<StepResult | undefined>> = [];
      // A step whose node could not even start (its `when` or its template errored) errors the group at once:
      // the steps after it are not started (steps.go, executeStepGroup).
      let errored: string | undefined;
      for (const p of planned) {
        if ("settled" in p) {
          runs.push(p.settled);
          continue;
        }
        runs.push(this.start(p, run));
        errored = this.startError(p);
        if (errored !== undefined) break;
      }
      const results = (await Promise.all(runs)).filter((r) => r !== undefined);
      this.addGroupToScope(sgName, group);
      lastGroupName = sgName;
      if (errored !== undefined) {
        ctx.table.mark(sg, "Error", errored);
        node.outboundNodes = this.groupOutbound(sgName);
        ctx.table.mark(node, "Failed", errored);
        return;
      }
      // A step whose template could not be executed (also once it ran: a suspend node that cannot resume) errs
      // its group (executeStepGroup), and the steps node fails with the group's message (executeSteps).
      const deemed = results.find(({ child }) => ctx.templateErrors.has(child));
      if (deemed) {
        const msg = `step group deemed errored due to child ${deemed.child.name} error: ${ctx.templateErrors.get(deemed.child)}`;
        ctx.table.mark(sg, "Error", msg);
        node.outboundNodes = this.groupOutbound(sgName);
        ctx.table.mark(node, "Failed", msg);
        return;
      }
      const failed = results.find(
        ({ step, child }) => failedOrError(child.phase) && !continues(step, child.phase),
      );
      if (failed || run.failFastHit) {
        // failFast (checkParallelism) fails the leaf step group and the steps node with its own message.
        const msg = run.failFastHit ? FAIL_FAST_MESSAGE : `child '${failed?.child.id}' failed`;
        ctx.table.mark(sg, "Failed", msg);
        node.outboundNodes = this.groupOutbound(sgName);
        ctx.table.mark(node, "Failed", msg);
        return;
      }
      ctx.table.mark(sg, "Succeeded");
    }
    if (lastGroupName) node.outboundNodes = this.groupOutbound(lastGroupName);
    resolveTemplateOutputs(ctx.table, node, this.tmpl, this.scope);
    if (!isFulfilled(node)) ctx.table.mark(node, "Succeeded");
  }

  /** The first group hangs off the steps node, a later one off the leaves of the group before it. */
  private connect(index: number, sgName: string, lastGroupName: string | undefined): void {
    const table = this.ctx.table;
    if (index === 0) table.addChild(this.node.name, sgName);
    else if (lastGroupName) {
      const prev = table.byName(lastGroupName);
      if (!prev?.children?.length) table.addChild(lastGroupName, sgName);
      else {
        const sgId = table.id(sgName);
        for (const c of prev.children) for (const o of table.outbound(c)) table.addChildId(o, sgId);
      }
    }
  }

  /** A step substituted with the scope, or why it cannot be. */
  private resolve(rawStep: WorkflowStep): WorkflowStep | Error {
    try {
      return substituteStep(rawStep, this.scope.vars, KEEP_ITEMS);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /** A substituted step with its loop expanded; a bad loop or an empty one settles it at once. */
  private plan(rawStep: WorkflowStep, step: WorkflowStep, run: GroupRun): Planned[] {
    const table = this.ctx.table;
    const stepName = rawStep.name ?? "";
    const baseName = `${run.name}.${stepName}`;
    let items: unknown[] | undefined;
    try {
      items = loopItems(step);
    } catch (error) {
      const child = table.init(baseName, "Skipped", {
        boundaryId: this.node.id,
        templateName: rawStep.template,
        phase: "Error",
        message: error instanceof LoopError || error instanceof Error ? error.message : String(error),
      });
      table.addChild(run.name, baseName);
      return [{ settled: Promise.resolve({ step: rawStep, child }) }];
    }
    if (items !== undefined && items.length === 0) {
      const child = table.init(baseName, "Skipped", {
        boundaryId: this.node.id,
        templateName: step.template,
        phase: "Skipped",
        message: "Skipped, empty params",
      });
      table.addChild(run.name, baseName);
      return [{ settled: Promise.resolve({ step, child }) }];
    }
    if (items === undefined) return [{ name: baseName, step, stepName }];
    const vars = this.scope.vars;
    return items.map((item, k) => ({
      name: baseName + itemSuffix(k, item),
      step: substDeep(
        { ...step, withItems: undefined, withParam: undefined, withSequence: undefined },
        { ...vars, ...itemVars(item) },
      ),
      stepName,
    }));
  }

  /**
   * Why a just started step errored its group, if its node was made in error as it started: its `when` failed
   * (the group takes that error), or its template could not be executed (the group is "deemed errored").
   */
  private startError(planned: ReadyStep): string | undefined {
    const child = this.ctx.table.byName(planned.name);
    const reason = child && startFailure(this.ctx, child);
    if (!child || !reason) return undefined;
    const message = child.message ?? "";
    if (reason === "when") return message;
    if (reason === "arguments")
      return `failed to resolve references: unable to resolve references: ${message}`;
    return `step group deemed errored due to child ${planned.name} error: ${message}`;
  }

  private async start(planned: ReadyStep, run: GroupRun): Promise<StepResult | undefined> {
    const release = this.parallel ? await this.parallel.acquire() : undefined;
    try {
      if (run.failFastHit) return undefined;
      this.ctx.table.addChild(run.name, planned.name);
      const child = await runStepOrTask(
        this.ctx,
        {
          name: planned.name,
          step: planned.step,
          boundary: this.node,
          scope: this.scope,
          captureResult: this.refs.has(planned.stepName),
          kind: "steps",
        },
        this.req,
      );
      if (failedOrError(child.phase) && this.tmpl.failFast) run.failFastHit = true;
      return { step: planned.step, child };
    } finally {
      release?.();
    }
  }

  private groupOutbound(sgName: string): string[] {
    const table = this.ctx.table;
    const sg = table.byName(sgName);
    if (!sg?.children?.length) return sg ? [sg.id] : [];
    return sg.children.flatMap((c) => table.outbound(c));
  }

  /** Adds the step outputs of a group's children to the scope (aggregating loops). */
  private addGroupToScope(sgName: string, group: WorkflowStep[]): void {
    const table = this.ctx.table;
    for (const step of group) {
      const base = `${sgName}.${step.name ?? ""}`;
      const plain = table.byName(base);
      const prefix = `steps.${step.name ?? ""}`;
      const isLoop =
        step.withItems !== undefined || step.withParam !== undefined || step.withSequence !== undefined;
      if (isLoop) {
        const children = inLoopOrder(table, table.byName(sgName)?.children).filter((n) =>
          n.name.startsWith(`${base}(`),
        );
        addAggregateToScope(this.scope, prefix, children);
        if (plain) addNodeToScope(this.scope, prefix, plain);
      } else if (plain) {
        addProducerToScope(
          this.scope,
          prefix,
          plain,
          this.ctx.lookup(innerScope(this.req), step.template, step.templateRef),
          true,
        );
      }
    }
  }
}

function continues(step: WorkflowStep, phase: string | undefined): boolean {
  return (phase === "Failed" && !!step.continueOn?.failed) || (phase === "Error" && !!step.continueOn?.error);
}

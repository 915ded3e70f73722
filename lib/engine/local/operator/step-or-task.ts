import type { DAGTask, NodeStatus, WorkflowStep } from "../../../argo";
import { evaluateWhen } from "../../../argo/expr";
import { failedOrError, isCompleted, isFulfilled } from "../../../argo/phases";
import type { TemplateScope } from "../../../argo/template-scope";
import { type Scope, subst } from "../scope";
import { type ExecRequest, holderFields, innerScope, type RunContext } from "./context";
import { runStepExitHook } from "./exit-handlers";
import { resolveArguments } from "./template-io";

/** The step or task being run (after its loop is expanded) and where it runs. */
export interface StepOrTask {
  /** Its node's name. */
  name: string;
  step: WorkflowStep | DAGTask;
  /** The steps or DAG node it belongs to. */
  boundary: NodeStatus;
  /** What its `when`, arguments and hooks are substituted with. */
  scope: Scope;
  /** Whether a sibling reads its `outputs.result`. */
  captureResult: boolean;
  /** `steps` or `tasks`: how its siblings name it. */
  kind: "steps" | "tasks";
}

/** Runs one (expanded) step or task: `when`, the template, then its exit hook and lifecycle hooks. */
export async function runStepOrTask(ctx: RunContext, it: StepOrTask, req: ExecRequest): Promise<NodeStatus> {
  const { name, step, boundary, scope } = it;
  const existing = ctx.table.byName(name);
  if (existing && isFulfilled(existing) && !failedOrError(existing.phase)) return existing;
  if (step.when !== undefined && step.when !== "") {
    let proceed: boolean;
    try {
      proceed = evaluateWhen(subst(step.when, scope.vars));
    } catch (error) {
      return skipped(
        ctx,
        it,
        "Error",
        error instanceof Error ? error.message : String(error),
        "when",
        innerScope(req),
      );
    }
    if (!proceed) {
      return skipped(
        ctx,
        it,
        "Skipped",
        `when '${subst(step.when, scope.vars)}' evaluated false`,
        undefined,
        innerScope(req),
      );
    }
  }
  const args = resolveArguments(step.arguments, scope);
  if (args instanceof Error) return skipped(ctx, it, "Error", args.message, "arguments", innerScope(req));
  const ref = `${it.kind}.${(step as { name?: string }).name ?? ""}`;
  const run = ctx.execute({
    nodeName: name,
    templateName: step.template,
    ...(step.templateRef ? { templateRef: step.templateRef } : {}),
    ...scopeField(innerScope(req)),
    inline: step.inline,
    args,
    boundaryId: boundary.id,
    onExit: req.onExit,
    captureResult: it.captureResult,
  });
  const hooks = ctx.hooks.watch(name, ref, step.hooks ?? {}, scope, boundary.id, req.onExit, innerScope(req));
  const child = await run;
  await hooks.stop();
  const exit = isCompleted(child)
    ? runStepExitHook(ctx, step, name, child, ref, scope, boundary.id, innerScope(req))
    : undefined;
  if (exit) await exit;
  return child;
}

function scopeField(scope: TemplateScope | undefined): { scope?: TemplateScope } {
  return scope ? { scope } : {};
}

/** Why a step's or task's node was made in error as it started, by the step itself (its when, its arguments). */
const startFailures = new WeakMap<NodeStatus, "when" | "arguments">();

/**
 * Why a step's node ended in error before its template ran: its `when`, its arguments, or its template could not
 * be executed (`RunContext.templateErrors`); undefined for a node that started.
 */
export function startFailure(ctx: RunContext, n: NodeStatus): "when" | "arguments" | "template" | undefined {
  if (n.type !== "Skipped" || n.phase !== "Error") return undefined;
  return startFailures.get(n) ?? (ctx.templateErrors.has(n) ? "template" : undefined);
}

function skipped(
  ctx: RunContext,
  it: StepOrTask,
  phase: "Skipped" | "Error",
  message: string,
  reason?: "when" | "arguments",
  scope?: TemplateScope,
): NodeStatus {
  const n = skippedNode(ctx, it, phase, message, scope);
  if (reason) startFailures.set(n, reason);
  return n;
}

function skippedNode(
  ctx: RunContext,
  it: StepOrTask,
  phase: "Skipped" | "Error",
  message: string,
  scope: TemplateScope | undefined,
): NodeStatus {
  return ctx.table.init(it.name, "Skipped", {
    boundaryId: it.boundary.id,
    ...holderFields({ templateName: it.step.template, templateRef: it.step.templateRef, scope }),
    phase,
    message,
  });
}

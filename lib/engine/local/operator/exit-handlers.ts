import type { DAGTask, LifecycleHook, NodeStatus, WorkflowStep } from "../../../argo";
import { failedOrError } from "../../../argo/phases";
import type { TemplateScope } from "../../../argo/template-scope";
import { addNodeToScope, newScope, type Scope } from "../scope";
import type { RunContext } from "./context";

/**
 * The workflow's exit handler (`spec.onExit` or `spec.hooks.exit`), run once the entrypoint is done with
 * `workflow.status`, `workflow.failures` and `workflow.duration` set; undefined when there is none.
 */
export function runWorkflowExitHandler(
  ctx: RunContext,
  phase: string,
  startedAt: Date,
): Promise<NodeStatus> | undefined {
  const spec = ctx.wf.spec;
  const onExit = spec.onExit ?? spec.hooks?.exit?.template;
  if (!onExit) return undefined;
  setExitVariables(ctx, phase, startedAt);
  return ctx.execute({
    nodeName: `${ctx.name}.onExit`,
    templateName: onExit,
    args: spec.hooks?.exit?.arguments,
    onExit: true,
    hooked: true,
    captureResult: false,
  });
}

/**
 * `workflow.status`, `workflow.failures` and `workflow.duration` as Argo sets them once the entrypoint is done,
 * before it looks at the workflow's hooks and runs its exit handler.
 */
export function setExitVariables(ctx: RunContext, phase: string, startedAt: Date): void {
  ctx.globals.vars["workflow.status"] = phase;
  ctx.globals.vars["workflow.failures"] = failures(ctx);
  ctx.globals.vars["workflow.duration"] = String((Date.now() - startedAt.getTime()) / 1000);
}

/**
 * A step's or task's exit hook (`hooks.exit` or `onExit`), run as node `<name>.onExit` once its node `name`
 * completed; `ref` is how its siblings name it (`steps.x`, `tasks.x`).
 */
export function runStepExitHook(
  ctx: RunContext,
  step: WorkflowStep | DAGTask,
  name: string,
  child: NodeStatus,
  ref: string,
  scope: Scope,
  boundaryId: string,
  templateScope?: TemplateScope,
): Promise<NodeStatus> | undefined {
  const exitHook: LifecycleHook | undefined =
    step.hooks?.exit ?? (step.onExit ? { template: step.onExit } : undefined);
  // Terminate runs no exit hook at all, Stop runs them (exit_handler.go: ShutdownStrategy.ShouldExecute(true)).
  if (!exitHook || ctx.control.halted?.kind === "Terminate") return undefined;
  const hookScope = newScope({ ...scope.vars }, { ...scope.artifacts });
  addNodeToScope(hookScope, ref, child);
  return ctx.hooks.run(`${name}.onExit`, exitHook, hookScope, boundaryId, true, name, templateScope);
}

/**
 * `workflow.failures`: every Failed or Errored node (not only pods: its steps and DAG nodes too), as Argo's operate
 * lists them, stored as Argo stores it (strconv.Quote of the JSON).
 */
function failures(ctx: RunContext): string {
  const list = Object.values(ctx.table.nodes)
    .filter((n) => failedOrError(n.phase))
    .map((n) => ({
      displayName: n.displayName,
      message: n.message ?? "",
      templateName: n.templateName ?? "",
      phase: n.phase,
      podName: ctx.podName(n),
      finishedAt: n.finishedAt ?? "",
    }));
  return JSON.stringify(JSON.stringify(list));
}

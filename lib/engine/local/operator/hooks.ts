import type { LifecycleHook, NodeStatus } from "../../../argo";
import type { TemplateScope } from "../../../argo/template-scope";
import { addNodeToScope, newScope, type Scope, subst } from "../scope";
import type { RunContext } from "./context";
import { resolveArguments } from "./template-io";

/** How often a running step's expression hooks are looked at besides its own changes. */
const HOOK_POLL_MS = 250;

/** A step's or task's expression hooks, watched while it runs. */
export interface HookWatch {
  /** Looks a last time, stops watching, and resolves when every hook that fired has run. */
  stop(): Promise<unknown>;
}

const NO_WATCH: HookWatch = { stop: () => Promise.all([]) };

/**
 * Argo's lifecycle hooks with an `expression` (exit handlers are in exit-handlers.ts): the workflow's, looked at on
 * every change of the execution, and a step's or task's, while it runs. Each fires at most once.
 */
export class LifecycleHooks {
  private readonly fired = new Set<string>();
  private readonly running: Promise<unknown>[] = [];
  /** `spec.hooks` with an expression (not exit). */
  private readonly workflowHooks: Array<[string, LifecycleHook]>;

  constructor(private readonly ctx: RunContext) {
    this.workflowHooks = Object.entries(ctx.wf.spec.hooks ?? {}).filter(
      ([k, h]) => k !== "exit" && h.expression,
    );
  }

  /** Resolves once the workflow-level hooks fired so far, and any they led to fire meanwhile, have run. */
  async settled(): Promise<void> {
    for (let seen = -1; seen !== this.running.length; ) {
      seen = this.running.length;
      await Promise.all(this.running);
    }
  }

  /**
   * Workflow-level lifecycle hooks (`spec.hooks.<name>` other than exit), as Argo's executeWfLifeCycleHook looks
   * at them on every reconciliation once the entrypoint node exists: over the workflow's variables with
   * `workflow.status` the workflow phase its entrypoint node's phase maps to (`Running` while it runs, then
   * `Succeeded`/`Failed`/`Error`). A hook that fires runs as `<wf>.hooks.<name>`, a child of the entrypoint node.
   */
  evaluateWorkflowHooks(): void {
    if (!this.workflowHooks.length) return;
    const root = this.ctx.table.byName(this.ctx.name);
    if (!root) return;
    let scope: Scope | undefined;
    for (const [name, hook] of this.workflowHooks) {
      const key = `${this.ctx.name}.hooks.${name}`;
      if (this.fired.has(key)) continue;
      scope ??= newScope({ ...this.ctx.globals.vars, "workflow.status": workflowPhaseOf(root.phase) });
      if (!fires(hook, scope)) continue;
      this.fired.add(key);
      this.running.push(this.run(key, hook, scope, undefined, false, this.ctx.name));
    }
  }

  /**
   * Watches the expression hooks of the step or task whose node is `name` (`ref` is how its siblings name it,
   * `steps.x` or `tasks.x`) until `stop`.
   */
  watch(
    name: string,
    ref: string,
    hooks: Record<string, LifecycleHook>,
    scope: Scope,
    boundaryId: string,
    onExit: boolean,
    templateScope?: TemplateScope,
  ): HookWatch {
    const watched = Object.entries(hooks).filter(([k, h]) => k !== "exit" && h.expression);
    if (!watched.length) return NO_WATCH;
    const done: Promise<unknown>[] = [];
    const check = () => {
      const self = this.ctx.table.byName(name);
      if (!self) return;
      for (const [hookName, hook] of watched) {
        const key = `${name}.hooks.${hookName}`;
        if (this.fired.has(key)) continue;
        const hookScope = newScope({ ...scope.vars });
        addNodeToScope(hookScope, ref, self);
        if (!fires(hook, hookScope)) continue;
        this.fired.add(key);
        done.push(this.run(key, hook, hookScope, boundaryId, onExit, name, templateScope));
      }
    };
    const timer = setInterval(check, HOOK_POLL_MS);
    check();
    return {
      stop: () => {
        clearInterval(timer);
        check();
        return Promise.all(done);
      },
    };
  }

  /** Runs a hook's template as node `nodeName`, a child of `parentName` when given. */
  run(
    nodeName: string,
    hook: LifecycleHook,
    scope: Scope,
    boundaryId: string | undefined,
    onExit: boolean,
    parentName: string | undefined,
    templateScope?: TemplateScope,
  ): Promise<NodeStatus> {
    // As Argo's resolveExitTmplArgument: a reference that cannot be resolved (a failed step's missing output)
    // is passed on as written; only an absent optional output (of a skipped step) is dropped.
    const args = resolveArguments(hook.arguments, scope, true);
    if (parentName) this.ctx.table.addChild(parentName, nodeName);
    return this.ctx.execute({
      nodeName,
      templateName: hook.template,
      ...(hook.templateRef ? { templateRef: hook.templateRef } : {}),
      ...(templateScope ? { scope: templateScope } : {}),
      args: args instanceof Error ? undefined : args,
      ...(boundaryId ? { boundaryId } : {}),
      onExit,
      hooked: true,
      captureResult: false,
    });
  }
}

/** The workflow phase an entrypoint node's phase maps to (operator.go, after executing the entrypoint). */
export function workflowPhaseOf(phase: string | undefined): string {
  switch (phase) {
    case "Succeeded":
    case "Skipped":
    case "Omitted":
      return "Succeeded";
    case undefined:
      return "Pending";
    default:
      return phase;
  }
}

function fires(hook: LifecycleHook, scope: Scope): boolean {
  if (!hook.expression) return false;
  try {
    return subst(`{{=${hook.expression}}}`, scope.vars) === "true";
  } catch {
    return false;
  }
}

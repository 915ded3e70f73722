import type { CronWorkflow, Spec, Workflow } from "../argo";
import { type ExitNotifierOptions, injectExitNotifier } from "../compiler/exit-notifier";
import type { Compile, CompileRequest, CompileResult } from "./build-service";

/**
 * The compiler as the build function uses it: on the Argo engine every Workflow spec also gets the exit
 * notifier (ARCHITECTURE.md, "The life of a Pipeline"), composed with the pipeline's own exit handler, so completion reaches
 * EventBridge without waiting for the sweep. The stored spec is what runs, so the notifier is in it. A
 * CronWorkflow's firings run its workflowSpec, so that gets the notifier too.
 */
export function compileForEngine(
  compile: Compile,
  render: (spec: Spec) => string,
  notifier: ExitNotifierOptions | undefined,
): Compile {
  if (!notifier) return compile;
  return async (request: CompileRequest): Promise<CompileResult> => {
    const result = await compile(request);
    if (!result.ok || !result.spec) return result;
    if (result.spec.kind === "CronWorkflow") {
      const cron = result.spec as CronWorkflow;
      const fired = injectExitNotifier(
        { kind: "Workflow", metadata: {}, spec: cron.spec.workflowSpec } as Workflow,
        notifier,
      );
      const spec: CronWorkflow = { ...cron, spec: { ...cron.spec, workflowSpec: fired.spec } };
      return { ...result, spec, yaml: render(spec) };
    }
    if (result.spec.kind !== "Workflow") return result;
    const spec = injectExitNotifier(result.spec as Workflow, notifier);
    return { ...result, spec, yaml: render(spec) };
  };
}

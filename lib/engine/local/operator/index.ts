/**
 * The local engine's operator: Argo's controller semantics for one workflow on host processes. `execution.ts` is
 * the workflow's life (entrypoint, exit handler, locks, deadline); `invoke.ts` runs one template invocation as a
 * node, through `retry-loop.ts` when it has a retryStrategy, and hands it to the runner of its type (`steps-runner`,
 * `dag-runner` with `dag-graph` and `dag-schedule`, `pod-node`, `suspend-node`, `http-node`); `step-or-task.ts`
 * runs one step or task with its `when`, `hooks.ts` and `exit-handlers.ts`. `context.ts` holds what they share.
 */
export type { RunEnvironment } from "./context";
export type { HaltKind } from "./control";
export { WorkflowExecution } from "./execution";
export { TemplateError } from "./template-io";

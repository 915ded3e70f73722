/**
 * Evaluates Argo's DAG `depends` as its controller does: the expression (parsed and expanded by lib/argo/depends)
 * is run with expr-lang over each task's results, task names having their "-" turned into "_".
 */
import {
  type ContinueOn,
  type DependsTaskState,
  dependsTaskNames,
  expandDepends,
  invalidResult,
  taskResults,
} from "../depends";
import { ExpressionError } from "./errors";
import { evaluateExpr } from "./exprlang";

/** Validates the results named in an expression (`A.Succeded` is an error), as Argo's ValidateTaskResults. */
export function validateDepends(expression: string): void {
  const invalid = invalidResult(expression);
  if (invalid) {
    throw new ExpressionError(
      `task result '${invalid.result}' for task '${invalid.task}' is invalid`,
      expression,
    );
  }
}

/**
 * Evaluates a depends expression against the tasks' states. Every named task must be present; Argo only
 * evaluates once all of them are fulfilled (see dependsResolved). Throws ExpressionError on bad expressions.
 */
export function evaluateDepends(
  expression: string,
  tasks: Record<string, DependsTaskState>,
  continueOnOf?: (task: string) => ContinueOn | undefined,
): boolean {
  validateDepends(expression);
  const env: Record<string, unknown> = {};
  for (const name of dependsTaskNames(expression)) {
    const state = tasks[name];
    if (!state)
      throw new ExpressionError(`depends '${expression}' refers to unknown task '${name}'`, expression);
    env[name.replaceAll("-", "_")] = taskResults(state);
  }
  const logic = expandDepends(expression, continueOnOf).replaceAll("-", "_");
  let result: unknown;
  try {
    result = evaluateExpr(logic, env);
  } catch (cause) {
    throw new ExpressionError(
      `unable to evaluate depends '${expression}': ${(cause as Error).message}`,
      expression,
      {
        cause,
      },
    );
  }
  if (typeof result !== "boolean") {
    throw new ExpressionError(`depends '${expression}' did not evaluate to a boolean`, expression);
  }
  return result;
}

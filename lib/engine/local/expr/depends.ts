/**
 * Argo's DAG `depends` logic (workflow/common/ancestry.go, dag.go evaluateDependsLogic): bare task names
 * expand to `(T.Succeeded || T.Skipped || T.Daemoned)`, and the expression is evaluated with expr-lang over
 * each task's results, task names having their "-" turned into "_".
 */
import { TASK_RESULTS } from "../../../argo/task-results";
import { ExpressionError } from "./errors";
import { evaluateExpr } from "./exprlang";

export type NodePhase =
  | "Pending"
  | "Running"
  | "Succeeded"
  | "Failed"
  | "Error"
  | "Skipped"
  | "Omitted"
  | "Daemoned";

export interface DependsTaskState {
  phase: NodePhase;
  /** For a looped task (a TaskGroup): whether any child Succeeded, and whether it has children that all Failed. */
  loop?: { anySucceeded: boolean; allFailed: boolean };
  /** A daemon step that is up (phase Running) counts as `.Daemoned`; phase "Daemoned" says the same. */
  daemoned?: boolean;
}

/** The continueOn of a task named in a legacy `dependencies` list (or expanded bare name). */
export interface ContinueOn {
  failed?: boolean;
  error?: boolean;
}

const results: readonly string[] = TASK_RESULTS;

// Argo's taskNameRegex: either `name.Result` or a bare name (leftmost alternative wins).
const taskReference = /([a-zA-Z0-9][-a-zA-Z0-9]*?\.[A-Z][a-zA-Z]+)|([a-zA-Z0-9][-a-zA-Z0-9]*)/g;

function expandName(name: string, continueOn?: ContinueOn): string {
  const parts = [`${name}.Succeeded`, `${name}.Skipped`, `${name}.Daemoned`];
  if (continueOn?.error) parts.push(`${name}.Errored`);
  if (continueOn?.failed) parts.push(`${name}.Failed`);
  return `(${parts.join(" || ")})`;
}

/** The legacy `dependencies: [A, B]` list as the equivalent depends expression. */
export function dependenciesToDepends(
  deps: string[],
  continueOnOf?: (task: string) => ContinueOn | undefined,
): string {
  return deps.map((d) => expandName(d, continueOnOf?.(d))).join(" && ");
}

const namesCache = new Map<string, readonly string[]>();

/** Task names a depends expression refers to, in order of first appearance. */
export function dependsTaskNames(expression: string): string[] {
  let names = namesCache.get(expression);
  if (!names) {
    const found: string[] = [];
    for (const match of expression.matchAll(taskReference)) {
      const name = match[1] ? match[1].split(".")[0] : match[2];
      if (!found.includes(name)) found.push(name);
    }
    names = found;
    if (namesCache.size >= 1000) namesCache.clear();
    namesCache.set(expression, names);
  }
  return [...names];
}

/** Validates the results named in an expression (`A.Succeded` is an error), as Argo's ValidateTaskResults. */
export function validateDepends(expression: string): void {
  for (const match of expression.matchAll(/([a-zA-Z0-9][-a-zA-Z0-9]*?\.[A-Z][a-zA-Z]+)/g)) {
    const [task, result] = match[1].split(".");
    if (!results.includes(result)) {
      throw new ExpressionError(`task result '${result}' for task '${task}' is invalid`, expression);
    }
  }
}

/** Replaces bare names with their expansion (longest-offset first so offsets stay valid). */
export function expandDepends(
  expression: string,
  continueOnOf?: (task: string) => ContinueOn | undefined,
): string {
  const bare = [...expression.matchAll(taskReference)].filter((m) => !m[1] && m[2]);
  let out = expression;
  for (const m of bare.reverse()) {
    const start = m.index ?? 0;
    out = out.slice(0, start) + expandName(m[2], continueOnOf?.(m[2])) + out.slice(start + m[2].length);
  }
  return out;
}

const fulfilled = new Set<NodePhase>(["Succeeded", "Failed", "Error", "Skipped", "Omitted", "Daemoned"]);

function isFulfilled(state: DependsTaskState | undefined): boolean {
  if (!state) return false;
  return fulfilled.has(state.phase) || (state.daemoned === true && state.phase !== "Pending");
}

/** True when every task the expression names has finished (so the expression can be evaluated). */
export function dependsResolved(expression: string, tasks: Record<string, DependsTaskState>): boolean {
  return dependsTaskNames(expression).every((name) => isFulfilled(tasks[name]));
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
    env[name.replaceAll("-", "_")] = {
      Succeeded: state.phase === "Succeeded",
      Failed: state.phase === "Failed",
      Errored: state.phase === "Error",
      Skipped: state.phase === "Skipped",
      Omitted: state.phase === "Omitted",
      Daemoned: state.phase === "Daemoned" || (state.daemoned === true && state.phase !== "Pending"),
      AnySucceeded: state.loop?.anySucceeded ?? false,
      AllFailed: state.loop?.allFailed ?? false,
    };
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

// Names that read as expr-lang identifiers (after "-" → "_") and are not its operators or literals.
const plainName = /^[a-zA-Z_][-a-zA-Z0-9_]*$/;
const reserved = new Set([
  "and",
  "or",
  "not",
  "in",
  "matches",
  "contains",
  "startsWith",
  "endsWith",
  "true",
  "false",
  "nil",
  "let",
  "if",
  "else",
]);

/**
 * A legacy `dependencies` list decided without building and parsing its depends expression: the answer
 * evaluateDepends(dependenciesToDepends(deps, continueOnOf), tasks) gives (checked by a test over every phase),
 * undefined when a name needs the real evaluation (it does not read as an identifier).
 */
export function dependenciesSatisfied(
  deps: readonly string[],
  tasks: Record<string, DependsTaskState>,
  continueOnOf?: (task: string) => ContinueOn | undefined,
): boolean | undefined {
  let satisfied = true;
  for (const name of deps) {
    const state = tasks[name];
    if (!state || !plainName.test(name) || reserved.has(name.replaceAll("-", "_"))) return undefined;
    const phase = state.phase;
    const continueOn = continueOnOf?.(name);
    const ok =
      phase === "Succeeded" ||
      phase === "Skipped" ||
      phase === "Daemoned" ||
      (state.daemoned === true && phase !== "Pending") ||
      (continueOn?.error === true && phase === "Error") ||
      (continueOn?.failed === true && phase === "Failed");
    if (!ok) satisfied = false;
  }
  return satisfied;
}

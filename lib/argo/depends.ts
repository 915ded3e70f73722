// Argo's DAG `depends` expressions (its dag.go and common/ancestry.go): task names, optionally with a result
// (`a.Succeeded`), joined by `&&`, `||`, `!` and parentheses. A bare name stands for
// `(a.Succeeded || a.Skipped || a.Daemoned)`, plus `a.Errored`/`a.Failed` when the task continues on them.
// Argo evaluates the expanded text with expr-lang; the local engine does the same (lib/argo/expr).

import { isFulfilled, type NodePhase } from "./phases";

/** The task results a `depends` expression may name (`a.Succeeded`, `loop.AnySucceeded`, ...). */
export const TASK_RESULTS = [
  "Succeeded",
  "Failed",
  "Errored",
  "Skipped",
  "Omitted",
  "Daemoned",
  "AnySucceeded",
  "AllFailed",
] as const;

const RESULTS: readonly string[] = TASK_RESULTS;

// Argo's taskNameRegex: `name.Result` or a bare name (the leftmost alternative wins).
const WITH_RESULT = "[a-zA-Z0-9][-a-zA-Z0-9]*?\\.[A-Z][a-zA-Z]+";
const BARE = "[a-zA-Z0-9][-a-zA-Z0-9]*";
const TASK_REFERENCE = new RegExp(`(${WITH_RESULT})|(${BARE})`, "g");
// The same operands, plus the operators and parentheses between them, one token at a time.
const TOKEN = new RegExp(`\\s*(?:(&&|\\|\\||!|\\(|\\))|(${WITH_RESULT}|${BARE})|(\\S))`, "y");

export interface DependsOperand {
  task: string;
  result?: string;
}

function operand(text: string): DependsOperand {
  const dot = text.indexOf(".");
  return dot > 0 ? { task: text.slice(0, dot), result: text.slice(dot + 1) } : { task: text };
}

/**
 * The operands of a depends expression, in order; undefined when it is not well-formed (unbalanced
 * parentheses, dangling or doubled operators, two operands in a row, characters Argo's grammar has no use for).
 * Results are not checked here: see `invalidResult`.
 */
export function parseDepends(expression: string): DependsOperand[] | undefined {
  const operands: DependsOperand[] = [];
  let depth = 0;
  let expectOperand = true;
  let end = 0;
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(expression); match; match = TOKEN.exec(expression)) {
    end = TOKEN.lastIndex;
    const [, op, name, stray] = match;
    if (stray !== undefined) return undefined;
    if (name !== undefined) {
      if (!expectOperand) return undefined;
      operands.push(operand(name));
      expectOperand = false;
    } else if (op === "(" || op === "!") {
      if (!expectOperand) return undefined;
      if (op === "(") depth++;
    } else if (op === ")") {
      if (expectOperand || depth === 0) return undefined;
      depth--;
    } else {
      if (expectOperand) return undefined;
      expectOperand = true;
    }
  }
  if (expression.slice(end).trim() !== "") return undefined;
  if (expectOperand && operands.length > 0) return undefined;
  return depth === 0 ? operands : undefined;
}

const namesCache = new Map<string, readonly string[]>();

/** Task names a depends expression refers to, in order of first appearance (as Argo's regex finds them). */
export function dependsTaskNames(expression: string): string[] {
  let names = namesCache.get(expression);
  if (!names) {
    const found: string[] = [];
    for (const match of expression.matchAll(TASK_REFERENCE)) {
      const name = match[1] ? match[1].split(".")[0] : match[2];
      if (!found.includes(name)) found.push(name);
    }
    names = found;
    if (namesCache.size >= 1000) namesCache.clear();
    namesCache.set(expression, names);
  }
  return [...names];
}

/** The first `task.Result` whose result Argo does not know (`A.Succeded`), as its ValidateTaskResults finds it. */
export function invalidResult(expression: string): DependsOperand | undefined {
  for (const match of expression.matchAll(TASK_REFERENCE)) {
    if (!match[1]) continue;
    const found = operand(match[1]);
    if (!RESULTS.includes(found.result ?? "")) return found;
  }
  return undefined;
}

/** The continueOn of a task named bare (or in a legacy `dependencies` list). */
export interface ContinueOn {
  failed?: boolean;
  error?: boolean;
}

type ContinueOnOf = (task: string) => ContinueOn | undefined;

function expandName(name: string, continueOn?: ContinueOn): string {
  const parts = [`${name}.Succeeded`, `${name}.Skipped`, `${name}.Daemoned`];
  if (continueOn?.error) parts.push(`${name}.Errored`);
  if (continueOn?.failed) parts.push(`${name}.Failed`);
  return `(${parts.join(" || ")})`;
}

/** The legacy `dependencies: [A, B]` list as the equivalent depends expression. */
export function dependenciesToDepends(deps: string[], continueOnOf?: ContinueOnOf): string {
  return deps.map((d) => expandName(d, continueOnOf?.(d))).join(" && ");
}

/** Replaces bare names with their expansion (last first, so offsets stay valid). */
export function expandDepends(expression: string, continueOnOf?: ContinueOnOf): string {
  const bare = [...expression.matchAll(TASK_REFERENCE)].filter((m) => !m[1] && m[2]);
  let out = expression;
  for (const m of bare.reverse()) {
    const start = m.index ?? 0;
    out = out.slice(0, start) + expandName(m[2], continueOnOf?.(m[2])) + out.slice(start + m[2].length);
  }
  return out;
}

/** What a depends expression reads of one task. */
export interface DependsTaskState {
  phase: NodePhase;
  /** For a looped task (a TaskGroup): whether any child Succeeded, and whether it has children that all Failed. */
  loop?: { anySucceeded: boolean; allFailed: boolean };
  /** A daemon step (Argo's node field `daemoned`): once past Pending it counts as `.Daemoned`. */
  daemoned?: boolean;
}

/** True when every task the expression names is fulfilled (Argo evaluates only then). */
export function dependsResolved(expression: string, tasks: Record<string, DependsTaskState>): boolean {
  return dependsTaskNames(expression).every((name) => isFulfilled(tasks[name]));
}

/** A task's results, the values its `name.Result` operands take. */
export function taskResults(state: DependsTaskState): Record<(typeof TASK_RESULTS)[number], boolean> {
  return {
    Succeeded: state.phase === "Succeeded",
    Failed: state.phase === "Failed",
    Errored: state.phase === "Error",
    Skipped: state.phase === "Skipped",
    Omitted: state.phase === "Omitted",
    Daemoned: state.daemoned === true && state.phase !== "Pending",
    AnySucceeded: state.loop?.anySucceeded ?? false,
    AllFailed: state.loop?.allFailed ?? false,
  };
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
 * A legacy `dependencies` list decided without building and evaluating its depends expression: the answer the
 * expanded expression gives (checked by a test over every phase), undefined when a name needs the real
 * evaluation (it does not read as an identifier).
 */
export function dependenciesSatisfied(
  deps: readonly string[],
  tasks: Record<string, DependsTaskState>,
  continueOnOf?: ContinueOnOf,
): boolean | undefined {
  let satisfied = true;
  for (const name of deps) {
    const state = tasks[name];
    if (!state || !plainName.test(name) || reserved.has(name.replaceAll("-", "_"))) return undefined;
    const results = taskResults(state);
    const continueOn = continueOnOf?.(name);
    const ok =
      results.Succeeded ||
      results.Skipped ||
      results.Daemoned ||
      (continueOn?.error === true && results.Errored) ||
      (continueOn?.failed === true && results.Failed);
    if (!ok) satisfied = false;
  }
  return satisfied;
}

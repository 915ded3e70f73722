// Argo's `depends` expressions as a tree: written back with the DSL's helpers (`and`, `or`, `not`, `a.failed`),
// and printed canonically so that two spellings of one expression compare equal.
import { TASK_RESULTS } from "../argo/depends";

export type DependsTree =
  | { op: "task"; task: string; result?: string }
  | { op: "not"; operand: DependsTree }
  | { op: "and" | "or"; operands: DependsTree[] };

const TOKEN = /\s*(&&|\|\||!|\(|\)|[a-zA-Z0-9][-a-zA-Z0-9]*(?:\.[A-Z][a-zA-Z]+)?)/y;

function tokenize(text: string): string[] | undefined {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let end = 0;
  for (let match = TOKEN.exec(text); match; match = TOKEN.exec(text)) {
    tokens.push(match[1]);
    end = TOKEN.lastIndex;
  }
  return text.slice(end).trim() === "" ? tokens : undefined;
}

/** The expression's tree (`&&` binds tighter than `||`, as in expr-lang), or undefined when malformed. */
export function parseDependsTree(text: string): DependsTree | undefined {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return undefined;
  let at = 0;
  const flat = (op: "and" | "or", operands: DependsTree[]): DependsTree =>
    operands.length === 1
      ? operands[0]
      : { op, operands: operands.flatMap((o) => (o.op === op ? o.operands : [o])) };
  const primary = (): DependsTree | undefined => {
    const token = tokens[at++];
    if (token === "!") {
      const operand = primary();
      return operand && { op: "not", operand };
    }
    if (token === "(") {
      const inner = disjunction();
      return tokens[at++] === ")" ? inner : undefined;
    }
    if (token === undefined || ["&&", "||", ")"].includes(token)) return undefined;
    const dot = token.indexOf(".");
    return dot > 0
      ? { op: "task", task: token.slice(0, dot), result: token.slice(dot + 1) }
      : { op: "task", task: token };
  };
  const conjunction = (): DependsTree | undefined => {
    const operands = [primary()];
    while (tokens[at] === "&&") {
      at++;
      operands.push(primary());
    }
    return operands.every(Boolean) ? flat("and", operands as DependsTree[]) : undefined;
  };
  const disjunction = (): DependsTree | undefined => {
    const operands = [conjunction()];
    while (tokens[at] === "||") {
      at++;
      operands.push(conjunction());
    }
    return operands.every(Boolean) ? flat("or", operands as DependsTree[]) : undefined;
  };
  const tree = disjunction();
  return tree && at === tokens.length ? tree : undefined;
}

/** Fully parenthesised text without spaces, operands sorted: one spelling per expression (for comparing specs). */
export function canonicalDepends(text: string): string {
  const tree = parseDependsTree(text);
  if (!tree) return text;
  const show = (node: DependsTree): string => {
    if (node.op === "task") return node.result ? `${node.task}.${node.result}` : node.task;
    if (node.op === "not") return `!${show(node.operand)}`;
    // `&&` and `||` commute here (operands have no side effects): operands compare as a sorted list.
    return `(${node.operands
      .map(show)
      .sort()
      .join(node.op === "and" ? "&&" : "||")})`;
  };
  return show(tree);
}

export function dependsTasks(tree: DependsTree, into = new Set<string>()): Set<string> {
  if (tree.op === "task") into.add(tree.task);
  else if (tree.op === "not") dependsTasks(tree.operand, into);
  else for (const operand of tree.operands) dependsTasks(operand, into);
  return into;
}

const RESULT_GETTER = new Map<string, string>(
  TASK_RESULTS.map((result) => [result, result.charAt(0).toLowerCase() + result.slice(1)]),
);

/**
 * The DSL code for a tree, given each task's variable; undefined when a task has none or a result is not one
 * of Argo's. `imports` receives the helpers used.
 */
export function dependsCode(
  tree: DependsTree,
  variables: ReadonlyMap<string, string>,
  imports: Set<string>,
): string | undefined {
  if (tree.op === "task") {
    const variable = variables.get(tree.task);
    if (variable === undefined) return undefined;
    if (tree.result === undefined) return variable;
    const getter = RESULT_GETTER.get(tree.result);
    return getter === undefined ? undefined : `${variable}.${getter}`;
  }
  if (tree.op === "not") {
    const inner = dependsCode(tree.operand, variables, imports);
    if (inner === undefined) return undefined;
    imports.add("not");
    return `not(${inner})`;
  }
  const parts = tree.operands.map((operand) => dependsCode(operand, variables, imports));
  if (parts.some((part) => part === undefined)) return undefined;
  imports.add(tree.op);
  return `${tree.op}(${parts.join(", ")})`;
}

/** True for `a && b && c`: plain task names joined by `&&` (written as `.after(a, b, c)`). */
export function plainConjunction(tree: DependsTree): string[] | undefined {
  const operands = tree.op === "and" ? tree.operands : [tree];
  if (operands.every((o) => o.op === "task" && o.result === undefined)) {
    return operands.map((o) => (o as { task: string }).task);
  }
  return undefined;
}

// Argo's `depends` expressions: task names, optionally with a result (`a.Succeeded`), joined by
// `&&`, `||`, `!` and parentheses. Only the parts the linter needs: which tasks, and which results.

export { TASK_RESULTS } from "../../argo/task-results";

export interface DependsOperand {
  task: string;
  result?: string;
}

/** The operands of a depends expression; undefined when it is not well-formed (unbalanced parentheses, dangling operators). */
export function parseDepends(expression: string): DependsOperand[] | undefined {
  const tokens = expression.match(/&&|\|\||!|\(|\)|[^\s&|!()]+/g) ?? [];
  const operands: DependsOperand[] = [];
  let depth = 0;
  let expectOperand = true;
  for (const token of tokens) {
    if (token === "(") {
      if (!expectOperand) return undefined;
      depth++;
    } else if (token === ")") {
      if (expectOperand || depth === 0) return undefined;
      depth--;
    } else if (token === "!") {
      if (!expectOperand) return undefined;
    } else if (token === "&&" || token === "||") {
      if (expectOperand) return undefined;
      expectOperand = true;
    } else {
      if (!expectOperand) return undefined;
      const dot = token.lastIndexOf(".");
      operands.push(dot > 0 ? { task: token.slice(0, dot), result: token.slice(dot + 1) } : { task: token });
      expectOperand = false;
    }
  }
  if (expectOperand && tokens.length > 0) return undefined;
  return depth === 0 ? operands : undefined;
}

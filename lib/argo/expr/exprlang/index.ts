import { ExpressionError } from "../errors";
import type { Node } from "./ast";
import { evaluateNode } from "./evaluate";
import { ParseError, parse } from "./parser";

const cache = new Map<string, Node>();

/** Parses an expr-lang expression (cached); throws ExpressionError naming the expression and position. */
export function parseExpr(source: string): Node {
  const cached = cache.get(source);
  if (cached) return cached;
  let node: Node;
  try {
    node = parse(source);
  } catch (cause) {
    if (cause instanceof ParseError) {
      throw new ExpressionError(
        `cannot parse expression '${source}': ${cause.message} ${position(source, cause.pos)}`,
        source,
        {
          cause,
        },
      );
    }
    throw cause;
  }
  if (cache.size > 1000) cache.clear();
  cache.set(source, node);
  return node;
}

/** expr-lang's (line:column), 1-based. */
function position(source: string, offset: number): string {
  const before = source.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `(${line}:${column})`;
}

/**
 * Evaluates an expr-lang (github.com/expr-lang/expr) expression over `env`. Argo's functions (asInt, asFloat,
 * jsonpath, toJson, sprig) are available even when `env` does not define them. Unknown top-level names, type
 * errors and failing functions throw ExpressionError naming the expression.
 */
export function evaluateExpr(source: string, env: Record<string, unknown>): unknown {
  const node = parseExpr(source);
  try {
    return evaluateNode(node, env);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new ExpressionError(`cannot evaluate expression '${source}': ${message}`, source, { cause });
  }
}

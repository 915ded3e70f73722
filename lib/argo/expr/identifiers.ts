/**
 * The variables an expression reads, as Argo's getIdentifiers / hasVarInEnv see them
 * (util/template/expression_template.go): identifiers and dotted member paths, except member accesses guarded
 * by `??` (left side) or `?.`, and calls of expr builtins.
 */
import type { Node } from "./exprlang/ast";
import { builtins } from "./exprlang/builtins";

function memberPath(node: Node): string | undefined {
  const parts: string[] = [];
  let current: Node = node;
  while (current.type === "member") {
    if (current.optional || current.property.type !== "string") return undefined;
    parts.unshift(current.property.value);
    current = current.object;
  }
  if (current.type !== "identifier") return undefined;
  parts.unshift(current.name);
  return parts.join(".");
}

function children(n: Node): Node[] {
  const list: Array<Node | undefined> = (() => {
    switch (n.type) {
      case "unary":
        return [n.operand];
      case "binary":
        return [n.left, n.right];
      case "member":
        return [n.object, n.property];
      case "slice":
        return [n.object, n.from, n.to];
      case "call":
        return [n.callee, ...n.args];
      case "builtin":
        return n.args;
      case "predicate":
        return [n.body];
      case "chain":
        return [n.node];
      case "conditional":
        return [n.test, n.consequent, n.alternate];
      case "array":
        return n.items;
      case "map":
        return n.entries.flatMap((e) => [e.key, e.value]);
      case "let":
        return [n.value, n.body];
      case "sequence":
        return n.nodes;
      default:
        return [];
    }
  })();
  return list.filter((c): c is Node => c !== undefined);
}

function guardedMembers(root: Node): Set<Node> {
  const guarded = new Set<Node>();
  const markAll = (n: Node): void => {
    if (n.type === "member") guarded.add(n);
    children(n).forEach(markAll);
  };
  const visit = (n: Node): void => {
    if (n.type === "binary" && n.operator === "??") markAll(n.left);
    if (n.type === "member" && n.optional && n.object.type === "member") guarded.add(n.object);
    children(n).forEach(visit);
  };
  visit(root);
  return guarded;
}

const pathCache = new WeakMap<Node, string[]>();

/** The identifiers and member paths (`a`, `a.b.c`) an expression reads, in order of appearance. */
export function referencedPaths(root: Node): string[] {
  let paths = pathCache.get(root);
  if (!paths) {
    paths = collectPaths(root);
    pathCache.set(root, paths);
  }
  return paths;
}

function collectPaths(root: Node): string[] {
  const guarded = guardedMembers(root);
  const found: string[] = [];
  const add = (path: string) => {
    if (!found.includes(path)) found.push(path);
  };
  const visit = (n: Node, isCallee: boolean): void => {
    // Post-order, like expr's ast.Walk: children first.
    if (n.type === "call") {
      visit(n.callee, true);
      for (const a of n.args) visit(a, false);
    } else {
      for (const child of children(n)) visit(child, false);
    }
    if (guarded.has(n)) return;
    if (n.type === "identifier" && !(isCallee && Object.hasOwn(builtins, n.name))) add(n.name);
    if (n.type === "member") {
      const path = memberPath(n);
      if (path) add(path);
    }
  };
  visit(root, false);
  return found;
}

/** Whether `path` exists in the env (a present nil leaf counts as present). */
export function hasPath(env: Record<string, unknown>, path: string): boolean {
  let current: unknown = env;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, part)) return false;
    current = (current as Record<string, unknown>)[part];
  }
  return true;
}

/** The referenced paths that the env lacks; env-level builtins callable without the env count as present. */
export function missingPaths(root: Node, env: Record<string, unknown>): string[] {
  return referencedPaths(root).filter((path) => !hasPath(env, path));
}

/** Tree-walking evaluator for expr-lang over the Go-like value model. */
import { argoFunctions } from "./argo-functions";
import type { Node } from "./ast";
import { builtins, methodOf } from "./builtins";
import { binary, equal, RuntimeError, toInt, unary } from "./operators";
import { goTypeName, isMap, isNil, setEntry } from "./values";

/** Thrown inside an optional chain when `?.` meets nil; caught by the enclosing chain node. */
class NilInChain {}

interface Frame {
  /** The current element `#`. */
  element: unknown;
  index: number;
  acc?: unknown;
}

interface Context {
  env: Record<string, unknown>;
  variables: Map<string, unknown>;
  frames: Frame[];
}

export function evaluateNode(node: Node, env: Record<string, unknown>): unknown {
  return evaluate(node, { env, variables: new Map(), frames: [] });
}

function lookup(name: string, ctx: Context): unknown {
  if (ctx.variables.has(name)) return ctx.variables.get(name);
  if (Object.hasOwn(ctx.env, name)) return ctx.env[name] ?? null;
  // Argo adds these to every env it evaluates (GetFuncMap); an env built by hand still gets them.
  if (Object.hasOwn(argoFunctions, name)) return argoFunctions[name];
  throw new RuntimeError(`unknown name ${name}`);
}

function isDefined(name: string, ctx: Context): boolean {
  return ctx.variables.has(name) || Object.hasOwn(ctx.env, name) || Object.hasOwn(argoFunctions, name);
}

function requireBool(value: unknown, what: string): boolean {
  if (typeof value !== "boolean") throw new RuntimeError(`${what}: expected bool, got ${goTypeName(value)}`);
  return value;
}

function evaluate(node: Node, ctx: Context): unknown {
  switch (node.type) {
    case "nil":
      return null;
    case "bool":
    case "number":
    case "string":
      return node.value;
    case "identifier":
      return lookup(node.name, ctx);
    case "pointer": {
      const frame = ctx.frames[ctx.frames.length - 1];
      if (!frame) throw new RuntimeError("cannot use pointer accessor outside predicate");
      if (node.name === "") return frame.element;
      if (node.name === "index") return frame.index;
      if (node.name === "acc") return frame.acc ?? null;
      throw new RuntimeError(`unknown pointer #${node.name}`);
    }
    case "unary":
      return unary(node.operator, evaluate(node.operand, ctx));
    case "binary":
      return evaluateBinary(node.operator, node.left, node.right, ctx);
    case "member":
      return fetch(evaluate(node.object, ctx), evaluate(node.property, ctx), node.optional);
    case "chain":
      try {
        return evaluate(node.node, ctx);
      } catch (error) {
        if (error instanceof NilInChain) return null;
        throw error;
      }
    case "slice":
      return slice(
        evaluate(node.object, ctx),
        node.from && evaluate(node.from, ctx),
        node.to && evaluate(node.to, ctx),
      );
    case "call":
      return call(node.callee, node.args, ctx);
    case "builtin":
      return runPredicateBuiltin(node.name, node.args, ctx);
    case "predicate":
      throw new RuntimeError("a predicate can only be an argument of a builtin such as filter or map");
    case "conditional": {
      const test = requireBool(evaluate(node.test, ctx), "condition");
      return evaluate(test ? node.consequent : node.alternate, ctx);
    }
    case "array":
      return node.items.map((item) => evaluate(item, ctx));
    case "map": {
      const out: Record<string, unknown> = {};
      for (const { key, value } of node.entries) {
        const k = evaluate(key, ctx);
        if (typeof k !== "string") throw new RuntimeError(`map key must be a string, got ${goTypeName(k)}`);
        setEntry(out, k, evaluate(value, ctx));
      }
      return out;
    }
    case "let": {
      const value = evaluate(node.value, ctx);
      const variables = new Map(ctx.variables);
      variables.set(node.name, value);
      return evaluate(node.body, { ...ctx, variables });
    }
    case "sequence": {
      let last: unknown = null;
      for (const n of node.nodes) last = evaluate(n, ctx);
      return last;
    }
  }
}

function evaluateBinary(op: string, leftNode: Node, rightNode: Node, ctx: Context): unknown {
  const left = evaluate(leftNode, ctx);
  switch (op) {
    case "&&":
    case "and":
      if (!requireBool(left, `operator ${op}`)) return false;
      return requireBool(evaluate(rightNode, ctx), `operator ${op}`);
    case "||":
    case "or":
      if (requireBool(left, `operator ${op}`)) return true;
      return requireBool(evaluate(rightNode, ctx), `operator ${op}`);
    case "??":
      return isNil(left) ? evaluate(rightNode, ctx) : left;
    default:
      return binary(op, left, evaluate(rightNode, ctx));
  }
}

function fetch(object: unknown, property: unknown, optional: boolean): unknown {
  if (isNil(object)) {
    if (optional) throw new NilInChain();
    throw new RuntimeError(`cannot fetch ${String(property)} from <nil>`);
  }
  if (isMap(object)) {
    if (typeof property !== "string") throw new RuntimeError(`cannot fetch ${String(property)} from a map`);
    return Object.hasOwn(object, property) ? (object[property] ?? null) : null;
  }
  if (Array.isArray(object) || typeof object === "string") {
    const length = object.length;
    let index = toInt(property);
    if (index < 0) index += length;
    if (index < 0 || index >= length) {
      throw new RuntimeError(`index out of range: ${index} (array length is ${length})`);
    }
    // Go indexes strings by byte; expr returns the uint8.
    return typeof object === "string" ? Buffer.from(object, "utf8")[index] : object[index];
  }
  if (typeof property === "string") {
    const method = methodOf(object, property);
    if (method) return method;
  }
  throw new RuntimeError(`cannot fetch ${String(property)} from ${goTypeName(object)}`);
}

function slice(object: unknown, from: unknown, to: unknown): unknown {
  if (!Array.isArray(object) && typeof object !== "string") {
    throw new RuntimeError(`cannot slice ${goTypeName(object)}`);
  }
  const length = object.length;
  let start = isNil(from) ? 0 : toInt(from);
  let end = isNil(to) ? length : toInt(to);
  if (start < 0) start += length;
  if (end < 0) end += length;
  start = Math.max(0, Math.min(start, length));
  end = Math.max(start, Math.min(end, length));
  return object.slice(start, end);
}

function call(callee: Node, argNodes: Node[], ctx: Context): unknown {
  const args = () => argNodes.map((a) => evaluate(a, ctx));
  if (callee.type === "identifier") {
    const name = callee.name;
    if (!isDefined(name, ctx)) {
      const builtin = builtins[name];
      if (!builtin) throw new RuntimeError(`unknown func ${name}`);
      return invoke(name, builtin, args());
    }
    return invoke(name, lookup(name, ctx), args());
  }
  const fn = evaluate(callee, ctx);
  const name =
    callee.type === "member" && callee.property.type === "string" ? callee.property.value : "function";
  return invoke(name, fn, args());
}

function invoke(name: string, fn: unknown, args: unknown[]): unknown {
  if (typeof fn !== "function") throw new RuntimeError(`${name} is not callable (${goTypeName(fn)})`);
  return fn(...args);
}

function collection(name: string, value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isMap(value)) return Object.values(value);
  throw new RuntimeError(`cannot iterate ${goTypeName(value)} in ${name}`);
}

function runPredicateBuiltin(name: string, argNodes: Node[], ctx: Context): unknown {
  const items = collection(name, evaluate(argNodes[0], ctx));
  const predicate = argNodes[1];
  const body = predicate?.type === "predicate" ? predicate.body : predicate;
  const run = (element: unknown, index: number, acc?: unknown): unknown => {
    ctx.frames.push({ element, index, acc });
    try {
      return evaluate(body, ctx);
    } finally {
      ctx.frames.pop();
    }
  };
  const test = (element: unknown, index: number) => requireBool(run(element, index), `predicate of ${name}`);
  switch (name) {
    case "all":
      return items.every(test);
    case "any":
      return items.some(test);
    case "none":
      return !items.some(test);
    case "one":
      return items.filter(test).length === 1;
    case "filter":
      return items.filter(test);
    case "map":
      return items.map((element, index) => run(element, index));
    case "count":
      return body ? items.filter(test).length : items.filter((v) => requireBool(v, "count")).length;
    case "sum":
      return items.reduce<number>((total, element, index) => {
        const v = body ? run(element, index) : element;
        if (typeof v !== "number") throw new RuntimeError(`invalid operation: sum of ${goTypeName(v)}`);
        return total + v;
      }, 0);
    case "find":
      return items.find(test) ?? null;
    case "findIndex":
      return items.findIndex(test);
    case "findLast":
      return items.findLast(test) ?? null;
    case "findLastIndex":
      return items.findLastIndex(test);
    case "groupBy": {
      const groups: Record<string, unknown[]> = {};
      items.forEach((element, index) => {
        const key = run(element, index);
        const k = typeof key === "string" ? key : String(key);
        groups[k] ??= [];
        groups[k].push(element);
      });
      return groups;
    }
    case "sortBy": {
      const order = argNodes[2] ? evaluate(argNodes[2], ctx) : "asc";
      const keyed = items.map((element, index) => ({ element, key: run(element, index) }));
      keyed.sort((a, b) => {
        if (equal(a.key, b.key)) return 0;
        return binary("<", a.key, b.key) ? -1 : 1;
      });
      const sorted = keyed.map((k) => k.element);
      return order === "desc" ? sorted.reverse() : sorted;
    }
    case "reduce": {
      let acc: unknown;
      let start = 0;
      if (argNodes[2]) acc = evaluate(argNodes[2], ctx);
      else {
        if (items.length === 0) throw new RuntimeError("reduce of empty array with no initial value");
        acc = items[0];
        start = 1;
      }
      for (let i = start; i < items.length; i++) acc = run(items[i], i, acc);
      return acc;
    }
    default:
      throw new RuntimeError(`unknown builtin ${name}`);
  }
}

// A typed builder for Argo's expressions (Hera's `hera.expr`, in TypeScript). An `Expr` is a small syntax tree
// rendered for where it goes: expr-lang for `expression:` fields and hooks, a `{{=…}}` tag for parameter
// values, govaluate over `{{…}}` references for `when`, and Argo's depends grammar for `depends`.
// References come from the DSL's typed references (`t.result`, `t.outputs.x`, `d.inputs.x`, `args.refs.x`),
// so renaming a task renames every expression that uses it, and a misspelled output does not compile.

import { binaryOperator, UNARY_OPERATORS } from "../argo/expr/exprlang/operator-table";
import {
  escapeGovaluate,
  isExprIdentifier,
  quoteExprString,
  quoteGovaluateString,
} from "../argo/expr-syntax";
import { DslError } from "./errors";
import type { Named } from "./expr";
import { SPRIG_FUNCTIONS, type SprigFunction } from "./sprig-names";

/**
 * Where an expression is written: `expr` (expr-lang, e.g. `valueFrom.expression`), `tag` (expr-lang inside
 * `{{=…}}`), `when` (govaluate after Argo substitutes `{{…}}`), `depends` (Argo's depends grammar).
 */
export type ExprMode = "expr" | "tag" | "when" | "depends";

/** What the builder accepts as an operand: an `Expr`, a DSL reference or other string, a constant, a node. */
export type ExprInput = Expr | string | number | boolean | null | readonly ExprInput[] | Named | ExprObject;
export interface ExprObject {
  readonly [key: string]: ExprInput;
}

// expr-lang's precedences are its parser's (lib/argo/expr/exprlang/operator-table.ts); govaluate orders the
// operators it has the same way.
const binaryPrecedence = (op: string): number => binaryOperator(op)?.precedence ?? POSTFIX;
const TERNARY = 0;
const POSTFIX = 1000;
/** The operators govaluate has, with their spelling there; anything else makes a `when` an expr-lang tag. */
const GOVALUATE_BINARY: Record<string, string> = {
  "||": "||",
  "&&": "&&",
  "==": "==",
  "!=": "!=",
  "<": "<",
  ">": ">",
  "<=": "<=",
  ">=": ">=",
  "+": "+",
  "-": "-",
  "*": "*",
  "/": "/",
  "%": "%",
  "**": "**",
  matches: "=~",
};

type Tree =
  | { kind: "const"; value: unknown }
  | { kind: "ref"; path: readonly string[] }
  | { kind: "node"; name: string }
  | { kind: "raw"; text: string }
  | { kind: "concat"; parts: readonly Tree[] }
  | { kind: "binary"; op: string; left: Tree; right: Tree }
  | { kind: "unary"; op: string; operand: Tree }
  | { kind: "call"; fn: string; args: readonly Tree[] }
  | { kind: "closure"; fn: string; list: Tree; predicate: Tree }
  | { kind: "member"; object: Tree; key: string | number }
  | { kind: "cond"; test: Tree; yes: Tree; no: Tree }
  | { kind: "list"; items: readonly Tree[] }
  | { kind: "map"; entries: readonly [string, Tree][] };

const SIMPLE_TAG = /^\{\{\s*([^{}=\s][^{}]*?)\s*\}\}$/;
const EXPRESSION_TAG = /^\{\{=([\s\S]*)\}\}$/;
const ANY_TAG = /\{\{\s*([^{}=\s][^{}]*?)\s*\}\}/g;

function refTree(text: string): Tree {
  return { kind: "ref", path: text.split(".") };
}

/** A string operand: one `{{…}}` reference, an expression tag, text with references in it, or plain text. */
function stringTree(value: string): Tree {
  if (!value.includes("{{")) return { kind: "const", value };
  const whole = SIMPLE_TAG.exec(value);
  if (whole) return refTree(whole[1]);
  const expression = EXPRESSION_TAG.exec(value);
  if (expression && !expression[1].includes("}}")) return { kind: "raw", text: expression[1].trim() };
  const parts: Tree[] = [];
  let last = 0;
  for (const match of value.matchAll(ANY_TAG)) {
    if (match.index > last) parts.push({ kind: "const", value: value.slice(last, match.index) });
    parts.push(refTree(match[1]));
    last = match.index + match[0].length;
  }
  if (last < value.length) parts.push({ kind: "const", value: value.slice(last) });
  return parts.length === 1 ? parts[0] : { kind: "concat", parts };
}

function isNamed(value: unknown): value is Named {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { name?: unknown }).name === "string" &&
    (value as { skiff?: unknown }).skiff === "node"
  );
}

function toTree(input: ExprInput): Tree {
  if (input instanceof Expr) return input.tree;
  if (typeof input === "string") return stringTree(input);
  if (typeof input === "number") {
    if (!Number.isFinite(input)) throw new DslError(`an expression cannot hold the number ${input}`);
    return { kind: "const", value: input };
  }
  if (typeof input === "boolean" || input === null) return { kind: "const", value: input };
  if (Array.isArray(input)) return { kind: "list", items: input.map((item) => toTree(item)) };
  if (isNamed(input)) return { kind: "node", name: input.name };
  if (typeof input === "object") {
    return {
      kind: "map",
      entries: Object.entries(input as ExprObject).map(([key, value]) => [key, toTree(value)]),
    };
  }
  throw new DslError(
    `an expression cannot hold ${typeof input}${input === undefined ? " (a reference to an output or input that is not declared?)" : ""}`,
  );
}

function precedence(tree: Tree): number {
  switch (tree.kind) {
    case "binary":
      return binaryPrecedence(tree.op);
    case "unary":
      return UNARY_OPERATORS[tree.op].precedence;
    case "cond":
      return TERNARY;
    case "concat":
      return binaryPrecedence("+");
    case "raw":
      // Unknown structure: always grouped when it is an operand.
      return TERNARY - 1;
    case "const":
      return typeof tree.value === "number" && tree.value < 0 ? UNARY_OPERATORS["-"].precedence : POSTFIX;
    default:
      return POSTFIX;
  }
}

/** Whether every part of the tree is something govaluate can read (else a `when` becomes a `{{=…}}` tag). */
function govaluateCan(tree: Tree): boolean {
  switch (tree.kind) {
    case "const":
      return ["string", "number", "boolean"].includes(typeof tree.value);
    case "ref":
    case "concat":
      return true;
    case "binary":
      return tree.op in GOVALUATE_BINARY && govaluateCan(tree.left) && govaluateCan(tree.right);
    case "unary":
      return govaluateCan(tree.operand);
    default:
      return false;
  }
}

function renderConst(value: unknown, mode: ExprMode): string {
  if (value === null) return "nil";
  if (typeof value === "string") {
    if (mode === "when") return quoteGovaluateString(value);
    if (mode === "depends") return value;
    return quoteExprString(value, mode === "tag");
  }
  return String(value);
}

function renderPath(path: readonly string[], mode: ExprMode): string {
  if (mode === "when") return `{{${path.join(".")}}}`;
  const [head, ...rest] = path;
  let out = head;
  for (const segment of rest) {
    out += isExprIdentifier(segment) ? `.${segment}` : `[${quoteExprString(segment, mode === "tag")}]`;
  }
  return out;
}

function render(tree: Tree, mode: ExprMode): string {
  const operand = (child: Tree, minimum: number): string => {
    const text = render(child, mode);
    return precedence(child) < minimum ? `(${text})` : text;
  };
  switch (tree.kind) {
    case "const":
      return renderConst(tree.value, mode);
    case "ref":
      return renderPath(tree.path, mode);
    case "node":
      if (mode === "depends") return tree.name;
      throw new DslError(
        `task or step "${tree.name}" stands for itself only in depends; use one of its references (e.g. .result or .status)`,
      );
    case "raw":
      return tree.text;
    case "concat":
      if (mode === "when") {
        // One literal: Argo substitutes the references in it before govaluate reads it.
        const text = tree.parts.map((part) =>
          part.kind === "ref"
            ? renderPath(part.path, mode)
            : escapeGovaluate(String((part as { value: unknown }).value)),
        );
        return `'${text.join("")}'`;
      }
      return tree.parts.map((part) => operand(part, binaryPrecedence("+") + 1)).join(" + ");
    case "binary": {
      if (mode === "depends" && tree.op !== "&&" && tree.op !== "||") {
        throw new DslError(`depends combines task states with && || ! only, not "${tree.op}"`);
      }
      const p = binaryPrecedence(tree.op);
      const op = mode === "when" ? GOVALUATE_BINARY[tree.op] : tree.op;
      // The side that would re-associate is grouped.
      const rightAssoc = binaryOperator(tree.op)?.rightAssociative === true;
      const left = operand(tree.left, rightAssoc ? p + 1 : p);
      const right = operand(tree.right, rightAssoc ? p : p + 1);
      return `${left} ${op} ${right}`;
    }
    case "unary":
      return `${tree.op}${operand(tree.operand, UNARY_OPERATORS[tree.op].precedence)}`;
    case "call":
      return `${tree.fn}(${tree.args.map((arg) => render(arg, mode)).join(", ")})`;
    case "closure":
      return `${tree.fn}(${render(tree.list, mode)}, {${render(tree.predicate, mode)}})`;
    case "member": {
      const object = operand(tree.object, POSTFIX);
      if (typeof tree.key === "number") return `${object}[${tree.key}]`;
      return isExprIdentifier(tree.key)
        ? `${object}.${tree.key}`
        : `${object}[${quoteExprString(tree.key, mode === "tag")}]`;
    }
    case "cond":
      return `${operand(tree.test, TERNARY + 1)} ? ${operand(tree.yes, TERNARY + 1)} : ${operand(tree.no, TERNARY)}`;
    case "list":
      return `[${tree.items.map((item) => render(item, mode)).join(", ")}]`;
    case "map":
      return `{${tree.entries.map(([key, value]) => `${quoteExprString(key, mode === "tag")}: ${render(value, mode)}`).join(", ")}}`;
  }
}

/** An Argo expression. Build it with `ex(...)` and its methods; it renders itself for the field it is put in. */
export class Expr {
  readonly skiff = "expr" as const;
  /** @internal */
  constructor(readonly tree: Tree) {}

  #binary(op: string, other: ExprInput): Expr {
    return new Expr({ kind: "binary", op, left: this.tree, right: toTree(other) });
  }

  eq(other: ExprInput): Expr {
    return this.#binary("==", other);
  }
  ne(other: ExprInput): Expr {
    return this.#binary("!=", other);
  }
  lt(other: ExprInput): Expr {
    return this.#binary("<", other);
  }
  le(other: ExprInput): Expr {
    return this.#binary("<=", other);
  }
  gt(other: ExprInput): Expr {
    return this.#binary(">", other);
  }
  ge(other: ExprInput): Expr {
    return this.#binary(">=", other);
  }
  and(...others: ExprInput[]): Expr {
    return others.reduce<Expr>((left, other) => left.#binary("&&", other), this);
  }
  or(...others: ExprInput[]): Expr {
    return others.reduce<Expr>((left, other) => left.#binary("||", other), this);
  }
  not(): Expr {
    return new Expr({ kind: "unary", op: "!", operand: this.tree });
  }
  plus(other: ExprInput): Expr {
    return this.#binary("+", other);
  }
  minus(other: ExprInput): Expr {
    return this.#binary("-", other);
  }
  times(other: ExprInput): Expr {
    return this.#binary("*", other);
  }
  div(other: ExprInput): Expr {
    return this.#binary("/", other);
  }
  mod(other: ExprInput): Expr {
    return this.#binary("%", other);
  }
  pow(other: ExprInput): Expr {
    return this.#binary("**", other);
  }
  /** `this in list` (a list, or a map's keys). */
  in(list: ExprInput): Expr {
    return this.#binary("in", list);
  }
  notIn(list: ExprInput): Expr {
    return this.#binary("not in", list);
  }
  contains(other: ExprInput): Expr {
    return this.#binary("contains", other);
  }
  startsWith(other: ExprInput): Expr {
    return this.#binary("startsWith", other);
  }
  endsWith(other: ExprInput): Expr {
    return this.#binary("endsWith", other);
  }
  /** A regular-expression match (`matches` in expr-lang, `=~` in a `when`). */
  matches(pattern: ExprInput): Expr {
    return this.#binary("matches", pattern);
  }
  /** `this ?? fallback`: the fallback when this is nil (e.g. an output of a skipped task). */
  orElse(fallback: ExprInput): Expr {
    return this.#binary("??", fallback);
  }
  /** The ternary `this ? whenTrue : whenFalse` (Hera's `check`). */
  check(whenTrue: ExprInput, whenFalse: ExprInput): Expr {
    return new Expr({ kind: "cond", test: this.tree, yes: toTree(whenTrue), no: toTree(whenFalse) });
  }
  /** A member: `x.key`, or `x['key-with-dash']`. */
  get(key: string): Expr {
    return new Expr({ kind: "member", object: this.tree, key });
  }
  /** An element of a list (`x[0]`) or a map (`x['key']`). */
  at(index: number | string): Expr {
    return new Expr({ kind: "member", object: this.tree, key: index });
  }
  asInt(): Expr {
    return call("asInt", this);
  }
  asFloat(): Expr {
    return call("asFloat", this);
  }
  string(): Expr {
    return call("string", this);
  }
  toJson(): Expr {
    return call("toJson", this);
  }
  length(): Expr {
    return call("len", this);
  }
  jsonpath(path: string): Expr {
    return call("jsonpath", this, ex.lit(path));
  }

  /** expr-lang text, for `expression:` fields and hooks. */
  toString(): string {
    return render(this.tree, "expr");
  }
  /** `{{=…}}`: the expression as a tag Argo evaluates inside any templated string (parameter values…). */
  tag(): string {
    return `{{=${render(this.tree, "tag")}}}`;
  }
  /**
   * A `when`: govaluate over `{{…}}` references (`{{tasks.a.outputs.result}} == 'heads'`) when the expression
   * only compares and combines; otherwise the expression as a `{{=…}}` tag, which Argo evaluates to true/false.
   */
  toWhen(): string {
    return govaluateCan(this.tree) ? render(this.tree, "when") : this.tag();
  }
  /** Argo's depends grammar: `a.Succeeded && !(b.Failed || c)`. */
  toDepends(): string {
    return render(this.tree, "depends");
  }
  render(mode: ExprMode): string {
    if (mode === "when") return this.toWhen();
    if (mode === "tag") return this.tag();
    return render(this.tree, mode);
  }
}

export function isExpr(value: unknown): value is Expr {
  return value instanceof Expr;
}

/** A call of a function Argo's expression environment offers. */
function call(fn: string, ...args: ExprInput[]): Expr {
  return new Expr({ kind: "call", fn, args: args.map((arg) => toTree(arg)) });
}

function closure(fn: string) {
  return (list: ExprInput, predicate: ExprInput): Expr =>
    new Expr({ kind: "closure", fn, list: toTree(list), predicate: toTree(predicate) });
}

const sprig = Object.freeze(
  Object.fromEntries(
    SPRIG_FUNCTIONS.map((name) => [name, (...args: ExprInput[]) => call(`sprig.${name}`, ...args)]),
  ),
) as { readonly [K in SprigFunction]: (...args: ExprInput[]) => Expr };

const exHelpers = {
  /** A constant, even a string that looks like a `{{…}}` reference. */
  lit(value: ExprInput): Expr {
    return typeof value === "string" ? new Expr({ kind: "const", value }) : new Expr(toTree(value));
  },
  /** A variable of Argo's expression scope by its dotted name: `ex.ref("workflow.creationTimestamp")`. */
  ref(path: string): Expr {
    return new Expr(refTree(path));
  },
  /** expr-lang text as is (escape hatch; grouped in parentheses when it is an operand). */
  raw(text: string): Expr {
    return new Expr({ kind: "raw", text });
  },
  and(first: ExprInput, ...rest: ExprInput[]): Expr {
    return ex(first).and(...rest);
  },
  or(first: ExprInput, ...rest: ExprInput[]): Expr {
    return ex(first).or(...rest);
  },
  not(operand: ExprInput): Expr {
    return ex(operand).not();
  },
  /** The ternary `test ? whenTrue : whenFalse`. */
  cond(test: ExprInput, whenTrue: ExprInput, whenFalse: ExprInput): Expr {
    return ex(test).check(whenTrue, whenFalse);
  },
  /** Any function of Argo's expression environment by name (expr-lang's builtins: `upper`, `split`, …). */
  fn: call,
  asInt: (value: ExprInput) => call("asInt", value),
  asFloat: (value: ExprInput) => call("asFloat", value),
  string: (value: ExprInput) => call("string", value),
  toJson: (value: ExprInput) => call("toJson", value),
  len: (value: ExprInput) => call("len", value),
  jsonpath: (json: ExprInput, path: string) => call("jsonpath", json, exHelpers.lit(path)),
  /** `sprig.<name>(…)`: sprig's functions as Argo offers them; an unknown name does not compile. */
  sprig,
  /** `#`: the element a closure (`ex.map`, `ex.filter`, …) is applied to. */
  it: new Expr({ kind: "ref", path: ["#"] }),
  /** The current loop item (`item`), and a field of it. */
  item: new Expr({ kind: "ref", path: ["item"] }),
  all: closure("all"),
  any: closure("any"),
  none: closure("none"),
  one: closure("one"),
  filter: closure("filter"),
  map: closure("map"),
  count: closure("count"),
};

/**
 * Starts an expression from a DSL reference (`ex(flip.result)` is `tasks['flip-coin'].outputs.result` in an
 * expression and `{{tasks.flip-coin.outputs.result}}` in a `when`), a constant (`ex(6)`, `ex("heads")`), a
 * list or map, or a task/step (for `depends`). A string holding exactly one `{{…}}` tag is that reference;
 * any other string is a constant (text around `{{…}}` tags is joined to them with `+`).
 */
export const ex: ((value: ExprInput) => Expr) & typeof exHelpers = Object.assign(
  (value: ExprInput): Expr => (value instanceof Expr ? value : new Expr(toTree(value))),
  exHelpers,
);

/** Text for a field that takes an expression or a string as is. */
export function exprText(value: string | Expr, mode: ExprMode): string {
  return typeof value === "string" ? value : value.render(mode);
}

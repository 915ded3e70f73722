// Argo's expr-lang expressions (`valueFrom.expression`, hook expressions, whole `{{=…}}` values) written with
// the DSL's `ex(...)` builder, when the builder renders exactly the original text; left as text otherwise.
import { binaryOperator } from "../argo/expr/exprlang/operator-table";
import { type Expr, ex } from "../dsl/ex";
import { resolveReference, type Scope, workflowReference } from "./refs";

type Node =
  | { k: "lit"; value: string | number | boolean | null }
  | { k: "ref"; path: string[] }
  | { k: "call"; fn: string; args: Node[] }
  | { k: "bin"; op: string; left: Node; right: Node }
  | { k: "not"; operand: Node }
  | { k: "cond"; test: Node; yes: Node; no: Node };

const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([A-Za-z_][\w-]*)|(==|!=|<=|>=|&&|\|\||[-+*/%<>!?:.,()[\]]))/y;
type Token = { kind: "num" | "str" | "id" | "op"; text: string; value?: string | number };

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let end = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    end = TOKEN.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: "num", text: m[1], value: Number(m[1]) });
    else if (m[2] !== undefined || m[3] !== undefined) {
      const raw = m[2] ?? m[3];
      if (raw.includes("\\")) return undefined;
      tokens.push({ kind: "str", text: raw, value: raw });
    } else if (m[4] !== undefined) tokens.push({ kind: "id", text: m[4] });
    else tokens.push({ kind: "op", text: m[5] });
  }
  return text.slice(end).trim() === "" ? tokens : undefined;
}

const ROOTS = new Set(["tasks", "steps", "inputs", "workflow", "item"]);
const FUNCTIONS = new Set(["asInt", "asFloat", "string", "toJson", "jsonpath"]);

/** The expression's tree, for the part of expr-lang the importer writes with `ex`; undefined otherwise. */
function parse(text: string): Node | undefined {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return undefined;
  let at = 0;
  const peek = () => tokens[at];
  const isOp = (op: string) => peek()?.kind === "op" && peek()?.text === op;
  const expect = (op: string) => {
    if (!isOp(op)) throw new Error(op);
    at++;
  };
  const primary = (): Node => {
    const token = tokens[at++];
    if (!token) throw new Error("end");
    if (token.kind === "num") return { k: "lit", value: token.value as number };
    if (token.kind === "str") return { k: "lit", value: token.value as string };
    if (token.kind === "op" && token.text === "(") {
      const inner = expression(0);
      expect(")");
      return inner;
    }
    if (token.kind === "op" && token.text === "!") return { k: "not", operand: unary() };
    if (token.kind !== "id") throw new Error(token.text);
    if (token.text === "true" || token.text === "false") return { k: "lit", value: token.text === "true" };
    if (token.text === "nil") return { k: "lit", value: null };
    if (isOp("(")) {
      if (!FUNCTIONS.has(token.text)) throw new Error(token.text);
      at++;
      const args: Node[] = [];
      while (!isOp(")")) {
        args.push(expression(0));
        if (!isOp(")")) expect(",");
      }
      at++;
      return { k: "call", fn: token.text, args };
    }
    if (!ROOTS.has(token.text)) throw new Error(token.text);
    const path = [token.text];
    for (;;) {
      if (isOp(".") && tokens[at + 1]?.kind === "id") {
        path.push(tokens[at + 1].text);
        at += 2;
      } else if (isOp("[") && tokens[at + 1]?.kind === "str" && tokens[at + 2]?.text === "]") {
        path.push(tokens[at + 1].text);
        at += 3;
      } else break;
    }
    return { k: "ref", path };
  };
  const unary = (): Node => primary();
  const expression = (min: number): Node => {
    let left = unary();
    for (;;) {
      const token = peek();
      if (token?.kind === "op" && token.text === "?" && min === 0) {
        at++;
        const yes = expression(0);
        expect(":");
        const no = expression(0);
        left = { k: "cond", test: left, yes, no };
        continue;
      }
      // The binary operators read are those the builder has a method for, at expr-lang's precedences.
      const precedence =
        token?.kind === "op" && Object.hasOwn(METHODS, token.text)
          ? binaryOperator(token.text)?.precedence
          : undefined;
      if (precedence === undefined || precedence <= min) return left;
      at++;
      left = { k: "bin", op: token.text, left, right: expression(precedence) };
    }
  };
  try {
    const tree = expression(0);
    return at === tokens.length ? tree : undefined;
  } catch {
    return undefined;
  }
}

const METHODS: Record<string, string> = {
  "==": "eq",
  "!=": "ne",
  "<": "lt",
  "<=": "le",
  ">": "gt",
  ">=": "ge",
  "&&": "and",
  "||": "or",
  "+": "plus",
  "-": "minus",
  "*": "times",
  "/": "div",
  "%": "mod",
};

/** Both the code that builds the expression and the `Expr` itself (to compare its rendering). */
interface Built {
  code: string;
  expr: Expr;
  /** An operand as written in an argument: a literal or a reference, not wrapped in `ex(...)`. */
  operand?: { code: string; value: string | number | boolean | null };
}

function build(node: Node, scope: Scope): Built | undefined {
  if (node.k === "lit") {
    if (typeof node.value === "string" && node.value.includes("{{")) return undefined;
    const code = JSON.stringify(node.value);
    return { code: `ex(${code})`, expr: ex(node.value), operand: { code, value: node.value } };
  }
  if (node.k === "ref") {
    const tag = `{{${node.path.join(".")}}}`;
    const typed = resolveReference(node.path.join("."), scope) ?? workflowReference(tag, scope);
    const code = typed ?? JSON.stringify(tag);
    return { code: `ex(${code})`, expr: ex(tag), operand: { code, value: tag } };
  }
  if (node.k === "not") {
    const inner = build(node.operand, scope);
    return inner && { code: `${inner.code}.not()`, expr: inner.expr.not() };
  }
  if (node.k === "call") {
    const [first, ...rest] = node.args.map((arg) => build(arg, scope));
    if (!first || rest.some((arg) => !arg)) return undefined;
    if (node.fn === "jsonpath") {
      const path = rest[0]?.operand?.value;
      if (rest.length !== 1 || typeof path !== "string") return undefined;
      return { code: `${first.code}.jsonpath(${JSON.stringify(path)})`, expr: first.expr.jsonpath(path) };
    }
    if (rest.length > 0) return undefined;
    const method = node.fn as "asInt" | "asFloat" | "string" | "toJson";
    return { code: `${first.code}.${method}()`, expr: first.expr[method]() };
  }
  if (node.k === "cond") {
    const [test, yes, no] = [node.test, node.yes, node.no].map((part) => build(part, scope));
    if (!test || !yes || !no) return undefined;
    return {
      code: `${test.code}.check(${argument(yes)}, ${argument(no)})`,
      expr: test.expr.check(yes.operand?.value ?? yes.expr, no.operand?.value ?? no.expr),
    };
  }
  const left = build(node.left, scope);
  const right = build(node.right, scope);
  if (!left || !right) return undefined;
  const method = METHODS[node.op] as "eq";
  return {
    code: `${left.code}.${method}(${argument(right)})`,
    expr: left.expr[method](right.operand?.value ?? right.expr),
  };
}

function argument(built: Built): string {
  return built.operand ? built.operand.code : built.code;
}

/**
 * `ex(...)` code for `text` written where `mode` says (`expr`: an `expression:` field; `tag`: a whole
 * `{{=…}}` value), or undefined when the builder would not write the very same text back.
 */
export function expressionCode(text: string, mode: "expr" | "tag", scope: Scope): string | undefined {
  const source = mode === "tag" ? /^\{\{=([\s\S]*)\}\}$/.exec(text)?.[1] : text;
  if (source === undefined) return undefined;
  const tree = parse(source);
  if (!tree) return undefined;
  const imports = new Set<string>();
  const built = build(tree, { ...scope, imports });
  if (!built) return undefined;
  let rendered: string;
  try {
    rendered = built.expr.render(mode);
  } catch {
    return undefined;
  }
  if (rendered !== text) return undefined;
  for (const name of imports) scope.imports.add(name);
  scope.imports.add("ex");
  return built.code;
}

/**
 * A precedence-climbing parser for expr-lang, following the operator table and grammar of
 * github.com/expr-lang/expr v1.17 (the version Argo Workflows v4 links).
 */
import type { Node } from "./ast";
import { LexError, type Token, tokenize } from "./lexer";
import { BINARY_OPERATORS, NEGATABLE_WORDS, UNARY_OPERATORS } from "./operator-table";

export class ParseError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

const comparisons = new Set(["<", ">", "<=", ">="]);

/** Builtins whose arguments include a predicate (closure); `true` marks an optional trailing argument. */
const predicateBuiltins: Record<string, Array<"expr" | "predicate" | "predicate?" | "expr?">> = {
  all: ["expr", "predicate"],
  none: ["expr", "predicate"],
  any: ["expr", "predicate"],
  one: ["expr", "predicate"],
  filter: ["expr", "predicate"],
  map: ["expr", "predicate"],
  count: ["expr", "predicate?"],
  sum: ["expr", "predicate?"],
  find: ["expr", "predicate"],
  findIndex: ["expr", "predicate"],
  findLast: ["expr", "predicate"],
  findLastIndex: ["expr", "predicate"],
  groupBy: ["expr", "predicate"],
  sortBy: ["expr", "predicate", "expr?"],
  reduce: ["expr", "predicate", "expr?"],
};

export function parse(source: string): Node {
  let tokens: Token[];
  try {
    tokens = tokenize(source);
  } catch (error) {
    if (error instanceof LexError) throw new ParseError(error.message, error.pos);
    throw error;
  }
  return new Parser(tokens).parseProgram();
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  private get current(): Token {
    return this.tokens[this.index];
  }

  private is(kind: Token["kind"], value?: string): boolean {
    const t = this.current;
    return t.kind === kind && (value === undefined || t.value === value);
  }

  private next(): void {
    if (this.index < this.tokens.length - 1) this.index++;
  }

  private fail(message: string, token: Token = this.current): never {
    throw new ParseError(message, token.pos);
  }

  private unexpected(token: Token = this.current): never {
    if (token.kind === "eof") this.fail("unexpected end of expression", token);
    this.fail(`unexpected token ${describe(token)}`, token);
  }

  private expect(kind: Token["kind"], value?: string): void {
    if (!this.is(kind, value)) this.unexpected();
    this.next();
  }

  parseProgram(): Node {
    const node = this.parseSequence();
    if (!this.is("eof")) this.unexpected();
    return node;
  }

  private parseSequence(): Node {
    const nodes = [this.parseExpression(0)];
    while (this.is("operator", ";")) {
      this.next();
      if (this.is("eof")) break;
      nodes.push(this.parseExpression(0));
    }
    return nodes.length === 1 ? nodes[0] : { type: "sequence", nodes };
  }

  private parseExpression(precedence: number): Node {
    if (precedence === 0 && this.is("operator", "let")) return this.parseLet();
    if (precedence === 0 && this.is("operator", "if")) return this.parseIf();
    let left = this.parsePrimary();
    let previous = "";
    while (this.is("operator")) {
      let opToken = this.current;
      const negate = opToken.value === "not";
      if (negate) {
        const saved = this.index;
        this.next();
        const suffix = this.current;
        if (!NEGATABLE_WORDS.has(suffix.value) || suffix.kind !== "operator") this.unexpected(suffix);
        if (BINARY_OPERATORS[suffix.value].precedence < precedence) {
          this.index = saved;
          break;
        }
        opToken = suffix;
      }
      const op = BINARY_OPERATORS[opToken.value];
      if (!op || op.precedence < precedence) break;
      this.next();
      if (opToken.value === "|") {
        const name = this.current;
        this.expect("identifier");
        left = this.parseCall(name.value, [left]);
        previous = "|";
        continue;
      }
      if (previous === "??" && opToken.value !== "??") {
        this.fail(
          `Operator (${opToken.value}) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.`,
          opToken,
        );
      }
      if (comparisons.has(opToken.value)) {
        left = this.parseComparison(left, opToken.value, op.precedence);
      } else {
        const right = this.parseExpression(op.rightAssociative ? op.precedence : op.precedence + 1);
        left = { type: "binary", operator: opToken.value, left, right };
        if (negate) left = { type: "unary", operator: "not", operand: left };
      }
      previous = opToken.value;
    }
    return precedence === 0 ? this.parseConditional(left) : left;
  }

  /** `a < b < c` means `a < b && b < c`. */
  private parseComparison(first: Node, operator: string, precedence: number): Node {
    let root: Node | undefined;
    let left = first;
    let op = operator;
    for (;;) {
      const right = this.parseExpression(precedence + 1);
      const cmp: Node = { type: "binary", operator: op, left, right };
      root = root ? { type: "binary", operator: "&&", left: root, right: cmp } : cmp;
      left = right;
      if (!(this.is("operator") && comparisons.has(this.current.value))) break;
      op = this.current.value;
      this.next();
    }
    return root;
  }

  private parseLet(): Node {
    this.expect("operator", "let");
    const name = this.current;
    this.expect("identifier");
    this.expect("operator", "=");
    const value = this.parseExpression(0);
    this.expect("operator", ";");
    const body = this.parseSequence();
    return { type: "let", name: name.value, value, body };
  }

  private parseIf(): Node {
    this.next();
    const test = this.parseExpression(0);
    this.expect("bracket", "{");
    const consequent = this.parseSequence();
    this.expect("bracket", "}");
    this.expect("operator", "else");
    let alternate: Node;
    if (this.is("operator", "if")) {
      alternate = this.parseIf();
    } else {
      this.expect("bracket", "{");
      alternate = this.parseSequence();
      this.expect("bracket", "}");
    }
    return { type: "conditional", test, consequent, alternate };
  }

  private parseConditional(node: Node): Node {
    let result = node;
    while (this.is("operator", "?")) {
      this.next();
      let consequent: Node;
      let alternate: Node;
      if (!this.is("operator", ":")) {
        consequent = this.parseExpression(0);
        this.expect("operator", ":");
        alternate = this.parseExpression(0);
      } else {
        this.next();
        consequent = result;
        alternate = this.parseExpression(0);
      }
      result = { type: "conditional", test: result, consequent, alternate };
    }
    return result;
  }

  private parsePrimary(): Node {
    const token = this.current;
    if (token.kind === "operator" && UNARY_OPERATORS[token.value]) {
      this.next();
      const operand = this.parseExpression(UNARY_OPERATORS[token.value].precedence);
      return this.parsePostfix({ type: "unary", operator: token.value, operand });
    }
    if (this.is("bracket", "(")) {
      this.next();
      const inner = this.parseSequence();
      this.expect("bracket", ")");
      return this.parsePostfix(inner);
    }
    if (this.depth > 0 && token.kind === "operator" && (token.value === "#" || token.value === ".")) {
      let name = "";
      if (token.value === "#") {
        this.next();
        if (this.is("identifier")) {
          name = this.current.value;
          this.next();
        }
        return this.parsePostfix({ type: "pointer", name });
      }
      // `.field` inside a predicate is `#.field`: leave the "." for parsePostfix.
      return this.parsePostfix({ type: "pointer", name });
    }
    return this.parseSecondary();
  }

  private parseSecondary(): Node {
    const token = this.current;
    let node: Node;
    switch (token.kind) {
      case "identifier":
        this.next();
        if (token.value === "true" || token.value === "false")
          return { type: "bool", value: token.value === "true" };
        if (token.value === "nil") return { type: "nil" };
        node = this.is("bracket", "(")
          ? this.parseCall(token.value, [])
          : { type: "identifier", name: token.value };
        break;
      case "number":
        this.next();
        node = parseNumber(token);
        break;
      case "string":
        this.next();
        node = { type: "string", value: token.value };
        break;
      default:
        if (this.is("bracket", "[")) node = this.parseArray();
        else if (this.is("bracket", "{")) node = this.parseMap();
        else this.unexpected();
    }
    return this.parsePostfix(node);
  }

  private parseCall(name: string, leading: Node[]): Node {
    const shape = predicateBuiltins[name];
    if (!shape) {
      return { type: "call", callee: { type: "identifier", name }, args: this.parseArguments(leading) };
    }
    this.expect("bracket", "(");
    const args = [...leading];
    const remaining = shape.slice(leading.length);
    for (let i = 0; i < remaining.length; i++) {
      const kind = remaining[i];
      if (this.is("bracket", ")")) {
        if (kind.endsWith("?")) break;
        this.fail(`expected at least ${remaining.length} arguments`);
      }
      if (i > 0) this.expect("operator", ",");
      args.push(kind.startsWith("predicate") ? this.parsePredicate() : this.parseExpression(0));
    }
    if (this.is("operator", ",")) this.next();
    this.expect("bracket", ")");
    return { type: "builtin", name, args };
  }

  private parseArguments(leading: Node[]): Node[] {
    const args = [...leading];
    this.expect("bracket", "(");
    while (!this.is("bracket", ")")) {
      if (args.length > leading.length) {
        this.expect("operator", ",");
        if (this.is("bracket", ")")) break;
      }
      args.push(this.parseExpression(0));
    }
    this.expect("bracket", ")");
    return args;
  }

  private parsePredicate(): Node {
    const braced = this.is("bracket", "{");
    if (braced) this.next();
    this.depth++;
    let body: Node;
    if (braced) {
      body = this.parseSequence();
    } else {
      body = this.parseExpression(0);
      if (this.is("operator", ";")) this.fail("wrap predicate with brackets { and }");
    }
    this.depth--;
    if (braced) this.expect("bracket", "}");
    return { type: "predicate", body };
  }

  private parseArray(): Node {
    this.expect("bracket", "[");
    const items: Node[] = [];
    while (!this.is("bracket", "]")) {
      if (items.length > 0) {
        this.expect("operator", ",");
        if (this.is("bracket", "]")) break;
      }
      items.push(this.parseExpression(0));
    }
    this.expect("bracket", "]");
    return { type: "array", items };
  }

  private parseMap(): Node {
    this.expect("bracket", "{");
    const entries: Array<{ key: Node; value: Node }> = [];
    while (!this.is("bracket", "}")) {
      if (entries.length > 0) {
        this.expect("operator", ",");
        if (this.is("bracket", "}")) break;
      }
      let key: Node;
      const t = this.current;
      if (t.kind === "number" || t.kind === "string" || t.kind === "identifier") {
        key = { type: "string", value: t.value };
        this.next();
      } else if (this.is("bracket", "(")) {
        key = this.parseExpression(0);
      } else {
        this.fail(
          `a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses (unexpected token ${describe(t)})`,
        );
      }
      this.expect("operator", ":");
      entries.push({ key, value: this.parseExpression(0) });
    }
    this.expect("bracket", "}");
    return { type: "map", entries };
  }

  private parsePostfix(start: Node): Node {
    let node = start;
    for (;;) {
      const token = this.current;
      if (token.kind === "operator" && (token.value === "." || token.value === "?.")) {
        const optional = token.value === "?.";
        this.next();
        if (optional && this.is("bracket", "[")) {
          node = this.parseIndex(node, true);
          continue;
        }
        const property = this.current;
        const validName =
          property.kind === "identifier" ||
          (property.kind === "operator" && /^[A-Za-z_]\w*$/.test(property.value));
        if (!validName) this.fail("expected name", property);
        this.next();
        const isChain = node.type === "chain";
        const object = node.type === "chain" ? node.node : node;
        let member: Node = {
          type: "member",
          object,
          property: { type: "string", value: property.value },
          optional,
        };
        if (this.is("bracket", "(")) member = { type: "call", callee: member, args: this.parseArguments([]) };
        node = isChain || optional ? { type: "chain", node: member } : member;
      } else if (token.kind === "bracket" && token.value === "[") {
        node = this.parseIndex(node, false);
      } else {
        return node;
      }
    }
  }

  private parseIndex(node: Node, optional: boolean): Node {
    this.expect("bracket", "[");
    const isChain = node.type === "chain";
    const object = node.type === "chain" ? node.node : node;
    if (this.is("operator", ":")) {
      this.next();
      const to = this.is("bracket", "]") ? undefined : this.parseExpression(0);
      this.expect("bracket", "]");
      return { type: "slice", object: node, to };
    }
    const from = this.parseExpression(0);
    if (this.is("operator", ":")) {
      this.next();
      const to = this.is("bracket", "]") ? undefined : this.parseExpression(0);
      this.expect("bracket", "]");
      return { type: "slice", object: node, from, to };
    }
    this.expect("bracket", "]");
    const member: Node = { type: "member", object, property: from, optional };
    return isChain || optional ? { type: "chain", node: member } : member;
  }
}

function parseNumber(token: Token): Node {
  const text = token.value.replaceAll("_", "");
  const lower = text.toLowerCase();
  if (/^0[xob]/.test(lower)) {
    const radix = lower[1] === "x" ? 16 : lower[1] === "o" ? 8 : 2;
    const value = Number.parseInt(text.slice(2), radix);
    if (Number.isNaN(value)) throw new ParseError(`invalid integer literal: ${token.value}`, token.pos);
    return { type: "number", value, integer: true };
  }
  const value = Number(text);
  if (Number.isNaN(value)) throw new ParseError(`invalid number literal: ${token.value}`, token.pos);
  if (/[.e]/.test(lower)) return { type: "number", value, integer: false };
  if (!Number.isSafeInteger(value) && Math.abs(value) > 2 ** 63) {
    throw new ParseError("integer literal is too large", token.pos);
  }
  return { type: "number", value, integer: true };
}

function describe(token: Token): string {
  const kind = token.kind[0].toUpperCase() + token.kind.slice(1);
  return `${kind}(${JSON.stringify(token.value)})`;
}

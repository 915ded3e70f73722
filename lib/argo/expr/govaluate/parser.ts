/** govaluate's stage planner as a precedence parser (stagePlanner.go): same levels, left-associative. */
import { display } from "./lexer";
import { comparatorSymbols, type GToken, type Kind, ternarySymbols } from "./tokens";

export type GNode =
  | { kind: "literal"; value: unknown }
  | { kind: "accessor"; path: string[] }
  | { kind: "prefix"; op: string; operand: GNode }
  | { kind: "binary"; op: string; left: GNode; right: GNode };

/** Precedence levels, loosest first, as govaluate's stage planner nests them. */
const levels: Array<{ kinds: Kind[]; symbols: Set<string> }> = [
  { kinds: ["SEPARATOR"], symbols: new Set([","]) },
  { kinds: ["TERNARY"], symbols: ternarySymbols },
  { kinds: ["LOGICALOP"], symbols: new Set(["||"]) },
  { kinds: ["LOGICALOP"], symbols: new Set(["&&"]) },
  { kinds: ["COMPARATOR"], symbols: comparatorSymbols },
  { kinds: ["MODIFIER"], symbols: new Set(["&", "|", "^"]) },
  { kinds: ["MODIFIER"], symbols: new Set([">>", "<<"]) },
  { kinds: ["MODIFIER"], symbols: new Set(["+", "-"]) },
  { kinds: ["MODIFIER"], symbols: new Set(["*", "/", "%"]) },
  { kinds: ["MODIFIER"], symbols: new Set(["**"]) },
];

export class GParser {
  private index = 0;

  constructor(private readonly tokens: GToken[]) {}

  parse(): GNode | undefined {
    if (this.tokens.length === 0) return undefined;
    const node = this.level(0);
    if (this.index < this.tokens.length)
      throw new Error(`Unexpected token ${display(this.tokens[this.index])}`);
    return node;
  }

  private peek(): GToken | undefined {
    return this.tokens[this.index];
  }

  /** Binary operators of one level, left-associative (govaluate reorders same-precedence chains so). */
  private level(i: number): GNode {
    if (i >= levels.length) return this.value();
    let left = this.level(i + 1);
    for (;;) {
      const t = this.peek();
      const { kinds, symbols } = levels[i];
      if (!t || !kinds.includes(t.kind) || typeof t.value !== "string" || !symbols.has(t.value)) return left;
      this.index++;
      const right = this.level(i + 1);
      left = { kind: "binary", op: t.value, left, right };
    }
  }

  private value(): GNode {
    const t = this.peek();
    if (!t) throw new Error("Unexpected end of expression");
    this.index++;
    switch (t.kind) {
      case "CLAUSE": {
        if (this.peek()?.kind === "CLAUSE_CLOSE") {
          this.index++;
          return { kind: "literal", value: null };
        }
        const inner = this.level(0);
        if (this.peek()?.kind !== "CLAUSE_CLOSE") throw new Error("Unbalanced parenthesis");
        this.index++;
        return inner;
      }
      case "PREFIX":
        return { kind: "prefix", op: String(t.value), operand: this.value() };
      case "NUMERIC":
      case "STRING":
      case "BOOLEAN":
      case "TIME":
      case "PATTERN":
        return { kind: "literal", value: t.value };
      case "ACCESSOR":
        return { kind: "accessor", path: t.value as string[] };
      default:
        throw new Error(`Unable to plan token kind: '${t.kind}', value: '${display(t)}'`);
    }
  }
}

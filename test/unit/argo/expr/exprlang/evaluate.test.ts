import { describe, expect, it } from "vitest";
import { ExpressionError, evaluateExpr } from "../../../../../lib/argo/expr";

const ev = (source: string, env: Record<string, unknown> = {}) => evaluateExpr(source, env);

describe("expr-lang literals", () => {
  it("numbers, strings, booleans, nil", () => {
    expect(ev("42")).toBe(42);
    expect(ev("1_000")).toBe(1000);
    expect(ev("0x1F")).toBe(31);
    expect(ev("0b101")).toBe(5);
    expect(ev("0o17")).toBe(15);
    expect(ev("1.5e3")).toBe(1500);
    expect(ev(".5")).toBe(0.5);
    expect(ev("'single'")).toBe("single");
    expect(ev('"double"')).toBe("double");
    expect(ev("`raw \\n`")).toBe("raw \\n");
    expect(ev('"tab\\tnew\\nline \\u00e9 \\x41"')).toBe("tab\tnew\nline é A");
    expect(ev("true")).toBe(true);
    expect(ev("nil")).toBe(null);
  });
  it("arrays and maps (keys: identifiers, strings, numbers, parenthesised expressions)", () => {
    expect(ev("[1, 'a', [true]]")).toEqual([1, "a", [true]]);
    expect(ev("[1, 2,]")).toEqual([1, 2]);
    expect(ev("{a: 1, 'b c': 2, 3: 'x', ('d' + 'e'): 4}")).toEqual({ a: 1, "b c": 2, "3": "x", de: 4 });
  });
  it("comments are ignored", () => {
    expect(ev("1 + /* two */ 2 // three")).toBe(3);
  });
});

describe("expr-lang operators", () => {
  it("arithmetic with precedence and right-associative power", () => {
    expect(ev("2 + 3 * 4")).toBe(14);
    expect(ev("(2 + 3) * 4")).toBe(20);
    expect(ev("10 - 2 - 3")).toBe(5);
    expect(ev("7 / 2")).toBe(3.5);
    expect(ev("7 % 3")).toBe(1);
    expect(ev("2 ** 3 ** 2")).toBe(512);
    expect(ev("2 ^ 10")).toBe(1024);
    expect(ev("-2 ** 2")).toBe(-4);
    expect(ev("-(1 + 2)")).toBe(-3);
  });
  it("string concatenation and comparison", () => {
    expect(ev("'a' + 'b'")).toBe("ab");
    expect(ev("'abc' < 'abd'")).toBe(true);
    expect(ev("'b' >= 'a'")).toBe(true);
  });
  it("equality across ints and floats, never across types", () => {
    expect(ev("1 == 1.0")).toBe(true);
    expect(ev("1 == '1'")).toBe(false);
    expect(ev("nil == nil")).toBe(true);
    expect(ev("[1, 2] == [1, 2]")).toBe(true);
    expect(ev("{a: 1} != {a: 2}")).toBe(true);
  });
  it("chained comparisons mean a conjunction", () => {
    expect(ev("1 < 2 < 3")).toBe(true);
    expect(ev("1 < 3 < 2")).toBe(false);
  });
  it("boolean operators in both spellings, short-circuiting", () => {
    expect(ev("true && false")).toBe(false);
    expect(ev("true and true")).toBe(true);
    expect(ev("false || true")).toBe(true);
    expect(ev("false or false")).toBe(false);
    expect(ev("!true")).toBe(false);
    expect(ev("not false")).toBe(true);
    expect(ev("false && missing.x")).toBe(false);
    expect(ev("true || missing.x")).toBe(true);
  });
  it("in, not in, matches, contains, startsWith, endsWith", () => {
    expect(ev("2 in [1, 2, 3]")).toBe(true);
    expect(ev("'a' in {a: 1}")).toBe(true);
    expect(ev("4 not in [1, 2, 3]")).toBe(true);
    expect(ev("'foobar' matches '^fo+b'")).toBe(true);
    expect(ev("'foobar' not matches 'baz'")).toBe(true);
    expect(ev("'foobar' contains 'oba'")).toBe(true);
    expect(ev("'foobar' startsWith 'foo'")).toBe(true);
    expect(ev("'foobar' endsWith 'bar'")).toBe(true);
    expect(ev("'foobar' not endsWith 'foo'")).toBe(true);
  });
  it("ranges", () => {
    expect(ev("1..4")).toEqual([1, 2, 3, 4]);
    expect(ev("3..1")).toEqual([]);
    expect(ev("map(1..3, # * 2)")).toEqual([2, 4, 6]);
  });
  it("ternary, elvis, nil coalescing", () => {
    expect(ev("1 > 0 ? 'yes' : 'no'")).toBe("yes");
    expect(ev("false ? 1 : true ? 2 : 3")).toBe(2);
    expect(ev("x ?: 'fallback'", { x: false })).toBe("fallback");
    expect(ev("x ?: 'fallback'", { x: true })).toBe(true);
    expect(() => ev("x ?: 'fallback'", { x: "set" })).toThrow(/condition: expected bool/);
    expect(ev("x ?? 'default'", { x: null })).toBe("default");
    expect(ev("m.missing ?? 'default'", { m: {} })).toBe("default");
    expect(ev("x ?? 'default'", { x: "" })).toBe("");
  });
  it("if/else expressions and let bindings", () => {
    expect(ev("if 1 > 2 { 'a' } else if 2 > 1 { 'b' } else { 'c' }")).toBe("b");
    expect(ev("let x = 2; let y = x * 3; y + 1")).toBe(7);
  });
  it("pipes pass the left side as the first argument", () => {
    expect(ev("[3, 1, 2] | sort() | map(# * 10)")).toEqual([10, 20, 30]);
    expect(ev("'a,b' | split(',')")).toEqual(["a", "b"]);
  });
  it("mixing ?? with other operators needs parentheses", () => {
    expect(() => ev("a ?? 1 + 2", { a: 1 })).toThrow(/cannot be mixed/);
    expect(ev("(a ?? 1) + 2", { a: null })).toBe(3);
  });
});

describe("expr-lang member access", () => {
  const env = {
    inputs: { parameters: { x: "1", "my-param": "dashed" } },
    steps: { "flip-coin": { outputs: { result: "heads" } } },
    list: [10, 20, 30],
    nothing: null,
  };
  it("dots, brackets with strings, negative indexes and slices", () => {
    expect(ev("inputs.parameters.x", env)).toBe("1");
    expect(ev("inputs.parameters['my-param']", env)).toBe("dashed");
    expect(ev('steps["flip-coin"].outputs.result', env)).toBe("heads");
    expect(ev("list[0] + list[-1]", env)).toBe(40);
    expect(ev("list[1:]", env)).toEqual([20, 30]);
    expect(ev("list[:2]", env)).toEqual([10, 20]);
    expect(ev("'hello'[1:3]", env)).toBe("el");
  });
  it("a missing map key is nil", () => {
    expect(ev("inputs.parameters.y", env)).toBe(null);
  });
  it("?. short-circuits the whole chain on nil", () => {
    expect(ev("nothing?.a.b.c", env)).toBe(null);
    expect(ev("inputs?.parameters?.x", env)).toBe("1");
    expect(ev("nothing?.[0]", env)).toBe(null);
  });
  it("fetching from nil without ?. is an error", () => {
    expect(() => ev("nothing.a", env)).toThrow(/cannot fetch a from <nil>/);
    expect(() => ev("steps.nope.outputs.result", env)).toThrow(ExpressionError);
  });
  it("index out of range is an error", () => {
    expect(() => ev("list[5]", env)).toThrow(/index out of range: 5/);
  });
  it("unknown names are errors naming the name and the expression", () => {
    expect(() => ev("foo + 1")).toThrow("cannot evaluate expression 'foo + 1': unknown name foo");
  });
});

describe("expr-lang predicates", () => {
  it("filter, map, all, any, none, one, count with #", () => {
    expect(ev("filter([1, 2, 3, 4], # % 2 == 0)")).toEqual([2, 4]);
    expect(ev("map([1, 2], {# * 10})")).toEqual([10, 20]);
    expect(ev("all([2, 4], {# % 2 == 0})")).toBe(true);
    expect(ev("any([1, 2], # > 1)")).toBe(true);
    expect(ev("none([1, 2], # > 5)")).toBe(true);
    expect(ev("one([1, 2, 3], # > 2)")).toBe(true);
    expect(ev("count([1, 2, 3], # > 1)")).toBe(2);
    expect(ev("count([true, false, true])")).toBe(2);
  });
  it("#index, .field shorthand, nested predicates", () => {
    expect(ev("map(['a', 'b'], #index)")).toEqual([0, 1]);
    expect(ev("filter(items, .age > 40)", { items: [{ age: 43 }, { age: 30 }] })).toEqual([{ age: 43 }]);
    expect(ev("map([[1, 2], [3]], sum(#))")).toEqual([3, 3]);
    expect(ev("map([1, 2], map([10, 20], # + 1))")).toEqual([
      [11, 21],
      [11, 21],
    ]);
  });
  it("find, findIndex, findLast, findLastIndex, sum, groupBy, sortBy, reduce", () => {
    expect(ev("find([1, 2, 3], # > 1)")).toBe(2);
    expect(ev("findIndex([1, 2, 3], # > 1)")).toBe(1);
    expect(ev("findLast([1, 2, 3], # > 1)")).toBe(3);
    expect(ev("findLastIndex([1, 2, 3], # > 5)")).toBe(-1);
    expect(ev("sum([1, 2, 3])")).toBe(6);
    expect(ev("sum([1, 2, 3], # * 2)")).toBe(12);
    expect(ev("groupBy([1, 2, 3, 4], # % 2 == 0)")).toEqual({ false: [1, 3], true: [2, 4] });
    expect(ev("sortBy([{n: 2}, {n: 1}], .n)")).toEqual([{ n: 1 }, { n: 2 }]);
    expect(ev("sortBy([1, 3, 2], #, 'desc')")).toEqual([3, 2, 1]);
    expect(ev("reduce([1, 2, 3], #acc + #, 10)")).toBe(16);
    expect(ev("reduce([1, 2, 3], #acc * #)")).toBe(6);
  });
  it("a non-boolean predicate of filter is an error", () => {
    expect(() => ev("filter([1], 'x')")).toThrow(/expected bool/);
  });
});

describe("expr-lang errors", () => {
  it("syntax errors name the expression and the position", () => {
    expect(() => ev("1 +")).toThrow(/cannot parse expression '1 \+': unexpected end of expression \(1:4\)/);
    expect(() => ev("(1")).toThrow(ExpressionError);
    expect(() => ev("'unterminated")).toThrow(/literal not terminated/);
    expect(() => ev("1 @ 2")).toThrow(/unrecognized character/);
  });
  it("type errors are reported with Go's type names", () => {
    expect(() => ev("'a' + 1")).toThrow(/mismatched types string and int/);
    expect(() => ev("1 < 'a'")).toThrow(/mismatched types int and string/);
    expect(() => ev("1.5 % 2")).toThrow(/mismatched types float64 and int/);
    expect(() => ev("'x' && true")).toThrow(/expected bool, got string/);
  });
});

import { describe, expect, it } from "vitest";
import { evaluateExpr } from "../../../../../lib/argo/expr";
import { GoDuration } from "../../../../../lib/argo/expr/exprlang/values";

const ev = (source: string, env: Record<string, unknown> = {}) => evaluateExpr(source, env);

describe("expr-lang builtins", () => {
  it("len counts characters, elements and keys", () => {
    expect(ev("len('héllo')")).toBe(5);
    expect(ev("len([1, 2])")).toBe(2);
    expect(ev("len({a: 1})")).toBe(1);
    expect(() => ev("len(1)")).toThrow(/invalid argument for len/);
  });
  it("int, float and string convert like Go", () => {
    expect(ev("int('42')")).toBe(42);
    expect(ev("int(3.9)")).toBe(3);
    expect(() => ev("int('3.5')")).toThrow(/invalid operation: int\(3.5\)/);
    expect(() => ev("int(' 3')")).toThrow(/invalid operation/);
    expect(ev("float('3.5')")).toBe(3.5);
    expect(ev("float(2)")).toBe(2);
    expect(() => ev("float('x')")).toThrow(/invalid operation: float\(x\)/);
    expect(ev("string(42)")).toBe("42");
    expect(ev("string(1.5)")).toBe("1.5");
    expect(ev("string([1, 'a'])")).toBe("[1 a]");
    expect(ev("string({b: 2, a: 1})")).toBe("map[a:1 b:2]");
    expect(ev("string(nil)")).toBe("<nil>");
    expect(ev("string(true)")).toBe("true");
  });
  it("Argo's asInt and asFloat are the same as int and float", () => {
    expect(ev("asInt('7') * 2")).toBe(14);
    expect(ev("asFloat('1.25') * 2")).toBe(2.5);
    expect(() => ev("asInt('x')")).toThrow(/invalid operation: int\(x\)/);
  });
  it("string functions", () => {
    expect(ev("trim('  x  ')")).toBe("x");
    expect(ev("trim('__x__', '_')")).toBe("x");
    expect(ev("trimPrefix('prefix-x', 'prefix-')")).toBe("x");
    expect(ev("trimSuffix('x.log', '.log')")).toBe("x");
    expect(ev("upper('ab') + lower('CD')")).toBe("ABcd");
    expect(ev("split('a,b,c', ',')")).toEqual(["a", "b", "c"]);
    expect(ev("split('a,b,c', ',', 2)")).toEqual(["a", "b,c"]);
    expect(ev("splitAfter('a,b', ',')")).toEqual(["a,", "b"]);
    expect(ev("replace('aaa', 'a', 'b')")).toBe("bbb");
    expect(ev("replace('aaa', 'a', 'b', 2)")).toBe("bba");
    expect(ev("repeat('ab', 3)")).toBe("ababab");
    expect(ev("join(['a', 'b'], '-')")).toBe("a-b");
    expect(ev("join(['a', 'b'])")).toBe("ab");
    expect(ev("indexOf('hello', 'l')")).toBe(2);
    expect(ev("lastIndexOf('hello', 'l')")).toBe(3);
    expect(ev("hasPrefix('hello', 'he') && hasSuffix('hello', 'lo')")).toBe(true);
  });
  it("math and aggregates", () => {
    expect(ev("abs(-3)")).toBe(3);
    expect(ev("ceil(1.2)")).toBe(2);
    expect(ev("floor(1.8)")).toBe(1);
    expect(ev("round(2.5)")).toBe(3);
    expect(ev("round(-2.5)")).toBe(-3);
    expect(ev("max(1, 5, 3)")).toBe(5);
    expect(ev("min([4, 2, 8])")).toBe(2);
    expect(ev("mean([1, 2, 3, 4])")).toBe(2.5);
    expect(ev("median([3, 1, 2])")).toBe(2);
  });
  it("JSON and base64", () => {
    expect(ev("toJSON({b: [1, 2], a: 'x'})")).toBe('{\n  "a": "x",\n  "b": [\n    1,\n    2\n  ]\n}');
    expect(ev("fromJSON('{\"a\": [1, 2]}').a[1]")).toBe(2);
    expect(ev("toJson({b: 1, a: 'x'})")).toBe('{"a":"x","b":1}');
    expect(ev("toBase64('hi')")).toBe("aGk=");
    expect(ev("fromBase64('aGk=')")).toBe("hi");
  });
  it("collections", () => {
    expect(ev("first([1, 2])")).toBe(1);
    expect(ev("last([1, 2])")).toBe(2);
    expect(ev("first([])")).toBe(null);
    expect(ev("get({a: 1}, 'a')")).toBe(1);
    expect(ev("get([1], 5)")).toBe(null);
    expect(ev("take([1, 2, 3], 2)")).toEqual([1, 2]);
    expect(ev("sort(keys({b: 1, a: 2}))")).toEqual(["a", "b"]);
    expect(ev("sort(values({b: 1, a: 2}))")).toEqual([1, 2]);
    expect(ev("toPairs({a: 1})")).toEqual([["a", 1]]);
    expect(ev("fromPairs([['a', 1]])")).toEqual({ a: 1 });
    expect(ev("reverse([1, 2, 3])")).toEqual([3, 2, 1]);
    expect(ev("uniq([1, 2, 1, 3])")).toEqual([1, 2, 3]);
    expect(ev("concat([1], [2, 3])")).toEqual([1, 2, 3]);
    expect(ev("flatten([1, [2, [3]]])")).toEqual([1, 2, 3]);
    expect(ev("sort([3, 1, 2], 'desc')")).toEqual([3, 2, 1]);
  });
  it("time: now, duration, date and their methods", () => {
    expect(ev("duration('1h30m').Minutes()")).toBe(90);
    expect(ev("duration('1.5s')")).toEqual(new GoDuration(1_500_000_000));
    expect(ev("date('2024-03-01T10:00:00Z').Year()")).toBe(2024);
    expect(ev("date('2024-03-01') < date('2024-03-02')")).toBe(true);
    expect(ev("(date('2024-03-01T10:00:30Z') - date('2024-03-01T10:00:00Z')).Seconds()")).toBe(30);
    expect(ev("date('2024-03-01T10:00:00Z').Format('2006-01-02 15:04')")).toBe("2024-03-01 10:00");
    expect(ev("date('2024-03-01T10:00:00Z') + duration('1h') > date('2024-03-01T10:30:00Z')")).toBe(true);
    expect(ev("now() - now() < duration('1m')")).toBe(true);
    expect(ev("string(duration('90s'))")).toBe("1m30s");
    expect(ev("date('2024-03-01 10:20:30').Minute()")).toBe(20);
    expect(ev("date('05/03/2024', '02/01/2006').Month()")).toBe(3);
    expect(ev("date('Fri, 01 Mar 2024 10:00:00 UTC').Day()")).toBe(1);
    expect(() => ev("date('nope')")).toThrow(/invalid date nope/);
    expect(() => ev("date('x', '2006', 'Mars/Olympus')")).toThrow(/unknown time zone/);
  });
  it("bit functions", () => {
    expect(ev("bitand(6, 3)")).toBe(2);
    expect(ev("bitor(4, 1)")).toBe(5);
    expect(ev("bitxor(5, 1)")).toBe(4);
    expect(ev("bitnot(0)")).toBe(-1);
    expect(ev("bitshl(1, 4)")).toBe(16);
    expect(ev("bitshr(16, 2)")).toBe(4);
  });
  it("an env entry with a builtin's name is called instead of the builtin", () => {
    expect(ev("upper('x')", { upper: () => "mine" })).toBe("mine");
  });
});

describe("jsonpath (Argo)", () => {
  const doc = '{"a": {"b": [1, 2, 3]}, "name": "x", "items": [{"k": 1}, {"k": 2}]}';
  it("returns a single value for a definite path", () => {
    expect(ev("jsonpath(d, '$.name')", { d: doc })).toBe("x");
    expect(ev("jsonpath(d, '$.a.b[1]')", { d: doc })).toBe(2);
    expect(ev("jsonpath(d, '$.a')", { d: doc })).toEqual({ b: [1, 2, 3] });
  });
  it("returns a list for wildcards, filters, slices and unions", () => {
    expect(ev("jsonpath(d, '$.items[*].k')", { d: doc })).toEqual([1, 2]);
    expect(ev("jsonpath(d, '$.items[?(@.k > 1)].k')", { d: doc })).toEqual([2]);
    expect(ev("jsonpath(d, '$.a.b[0:2]')", { d: doc })).toEqual([1, 2]);
    expect(ev("jsonpath(d, '$..k')", { d: doc })).toEqual([1, 2]);
  });
  it("fails on a missing key and on invalid JSON", () => {
    expect(() => ev("jsonpath(d, '$.nope')", { d: doc })).toThrow(/key not found/);
    expect(() => ev("jsonpath('not json', '$.a')")).toThrow(/invalid JSON/);
  });
});

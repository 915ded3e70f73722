import { describe, expect, it } from "vitest";
import { evaluateExpr } from "../../../../../lib/argo/expr";

const ev = (source: string, env: Record<string, unknown> = {}) => evaluateExpr(source, env);

describe("sprig functions", () => {
  it("strings, with Sprig's argument order", () => {
    expect(ev("sprig.trim('  x ')")).toBe("x");
    expect(ev("sprig.upper('a') + sprig.lower('B')")).toBe("Ab");
    expect(ev("sprig.title('hello world')")).toBe("Hello World");
    expect(ev("sprig.contains('cat', 'catch')")).toBe(true);
    expect(ev("sprig.hasPrefix('ca', 'catch')")).toBe(true);
    expect(ev("sprig.replace('a', 'b', 'aXa')")).toBe("bXb");
    expect(ev("sprig.trimSuffix('.txt', 'a.txt')")).toBe("a");
    expect(ev("sprig.trimPrefix('v', 'v1.2')")).toBe("1.2");
    expect(ev("sprig.trimAll('$', '$5.00$')")).toBe("5.00");
    expect(ev("sprig.repeat(3, 'ab')")).toBe("ababab");
    expect(ev("sprig.substr(1, 3, 'hello')")).toBe("el");
    expect(ev("sprig.trunc(3, 'hello')")).toBe("hel");
    expect(ev("sprig.nospace('a b c')")).toBe("abc");
    expect(ev("sprig.quote('a\"b')")).toBe('"a\\"b"');
    expect(ev("sprig.squote('a')")).toBe("'a'");
    expect(ev("sprig.cat('a', 1, nil, 'b')")).toBe("a 1 b");
    expect(ev("sprig.indent(2, 'a\\nb')")).toBe("  a\n  b");
    expect(ev("sprig.snakecase('HelloWorld')")).toBe("hello_world");
    expect(ev("sprig.kebabcase('HelloWorld')")).toBe("hello-world");
  });
  it("split, splitList, join", () => {
    expect(ev("sprig.splitList(',', 'a,b')")).toEqual(["a", "b"]);
    expect(ev("sprig.split(',', 'a,b')")).toEqual({ _0: "a", _1: "b" });
    expect(ev("sprig.join('-', ['a', 1])")).toBe("a-1");
  });
  it("lenient number conversion and integer math", () => {
    expect(ev("sprig.int('42')")).toBe(42);
    expect(ev("sprig.int('x')")).toBe(0);
    expect(ev("sprig.int64('3.0')")).toBe(3);
    expect(ev("sprig.float64('2.5')")).toBe(2.5);
    expect(ev("sprig.atoi('12')")).toBe(12);
    expect(ev("sprig.add(1, '2', 3.9)")).toBe(6);
    expect(ev("sprig.add1(1)")).toBe(2);
    expect(ev("sprig.sub(5, 2)")).toBe(3);
    expect(ev("sprig.mul(2, 3, 4)")).toBe(24);
    expect(ev("sprig.div(7, 2)")).toBe(3);
    expect(ev("sprig.mod(7, 2)")).toBe(1);
    expect(ev("sprig.max(34, 27, 15, 57, 46)")).toBe(57);
    expect(ev("sprig.min(34, 27, 15, 57, 46)")).toBe(15);
    expect(ev("sprig.addf(1.5, 2)")).toBe(3.5);
    expect(ev("sprig.divf(7, 2)")).toBe(3.5);
    expect(ev("sprig.round(3.14159, 2)")).toBe(3.14);
    expect(() => ev("sprig.div(1, 0)")).toThrow(/divide by zero/);
  });
  it("defaults and emptiness", () => {
    expect(ev("sprig.default('d', '')")).toBe("d");
    expect(ev("sprig.default('d', 'v')")).toBe("v");
    expect(ev("sprig.default('d', 0)")).toBe("d");
    expect(ev("sprig.empty('')")).toBe(true);
    expect(ev("sprig.empty([])")).toBe(true);
    expect(ev("sprig.empty('x')")).toBe(false);
    expect(ev("sprig.coalesce('', nil, 'x')")).toBe("x");
    expect(ev("sprig.ternary('yes', 'no', true)")).toBe("yes");
  });
  it("JSON and encodings", () => {
    expect(ev("sprig.toJson({b: 1, a: [true]})")).toBe('{"a":[true],"b":1}');
    expect(ev("sprig.fromJson('{\"a\": 1}').a")).toBe(1);
    expect(ev("sprig.fromJson('not json')")).toBe(null);
    expect(ev("sprig.toPrettyJson({a: 1})")).toBe('{\n  "a": 1\n}');
    expect(ev("sprig.b64enc('hello')")).toBe("aGVsbG8=");
    expect(ev("sprig.b64dec('aGVsbG8=')")).toBe("hello");
    expect(ev("sprig.b32enc('hi')")).toBe("NBUQ====");
    expect(ev("sprig.b32dec('NBUQ====')")).toBe("hi");
    expect(ev("sprig.sha256sum('abc')")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
  it("regular expressions", () => {
    expect(ev("sprig.regexMatch('^a.c$', 'abc')")).toBe(true);
    expect(ev("sprig.regexFind('[0-9]+', 'ab12cd34')")).toBe("12");
    expect(ev("sprig.regexFindAll('[0-9]+', 'ab12cd34', -1)")).toEqual(["12", "34"]);
    // Go's ${1} group reference, built with "$" + "{" to keep it out of template-literal territory.
    expect(ev(`sprig.regexReplaceAll('a(x*)b', '-ab-axxb-', '${"$"}{1}W')`)).toBe("-W-xxW-");
    expect(ev("sprig.regexReplaceAll('a(x*)b', '-ab-axxb-', '$1W')")).toBe("---");
    expect(ev("sprig.regexSplit(',', 'a,b,c', 2)")).toEqual(["a", "b,c"]);
  });
  it("lists and dicts", () => {
    expect(ev("sprig.list(1, 2)")).toEqual([1, 2]);
    expect(ev("sprig.first([1, 2])")).toBe(1);
    expect(ev("sprig.rest([1, 2, 3])")).toEqual([2, 3]);
    expect(ev("sprig.append([1], 2)")).toEqual([1, 2]);
    expect(ev("sprig.has(2, [1, 2])")).toBe(true);
    expect(ev("sprig.without([1, 2, 3], 2)")).toEqual([1, 3]);
    expect(ev("sprig.uniq([1, 1, 2])")).toEqual([1, 2]);
    expect(ev("sprig.compact(['a', '', nil, 'b'])")).toEqual(["a", "b"]);
    expect(ev("sprig.until(3)")).toEqual([0, 1, 2]);
    expect(ev("sprig.dict('a', 1, 'b', 2)")).toEqual({ a: 1, b: 2 });
    expect(ev("sprig.get({a: 1}, 'b')")).toBe("");
    expect(ev("sprig.hasKey({a: 1}, 'a')")).toBe(true);
    expect(ev("sprig.pick({a: 1, b: 2}, 'a')")).toEqual({ a: 1 });
    expect(ev("sprig.omit({a: 1, b: 2}, 'a')")).toEqual({ b: 2 });
    expect(ev("sprig.dig('a', 'b', 'none', {a: {b: 'found'}})")).toBe("found");
    expect(ev("sprig.dig('a', 'x', 'none', {a: {b: 'found'}})")).toBe("none");
  });
  it("dates in Go layouts", () => {
    const t = new Date(Date.UTC(2024, 2, 5, 7, 8, 9));
    expect(ev("sprig.dateInZone('2006-01-02T15:04:05Z07:00', t, 'UTC')", { t })).toBe("2024-03-05T07:08:09Z");
    expect(ev("sprig.dateInZone('Jan _2 03:04PM Mon', t, 'UTC')", { t })).toBe("Mar  5 07:08AM Tue");
    expect(ev("sprig.unixEpoch(t)", { t })).toBe(String(t.getTime() / 1000));
    expect(ev("sprig.date('2006', 'not a time')")).toBe(String(new Date().getFullYear()));
    expect(ev("sprig.duration(95)")).toBe("1m35s");
    expect(ev("sprig.htmlDate(sprig.toDate('2006-01-02', '2024-02-29'))")).toBe("2024-02-29");
    expect(ev("sprig.toDate('2006-01-02', 'garbage').IsZero()")).toBe(true);
    expect(() => ev("sprig.mustToDate('2006-01-02', 'garbage')")).toThrow(/parsing time/);
  });
  it("quote escapes like Go's %q", () => {
    expect(ev("sprig.quote('tab\\there', 'é')")).toBe('"tab\\there" "é"');
    expect(ev("sprig.quote('\\x01')")).toBe('"\\x01"');
  });
  it("paths, chunks, abbreviations, random strings", () => {
    expect(ev("sprig.base('/a/b.txt') + ' ' + sprig.dir('/a/b.txt') + ' ' + sprig.ext('/a/b.txt')")).toBe(
      "b.txt /a .txt",
    );
    expect(ev("sprig.clean('/a/../b//c/')")).toBe("/b/c");
    expect(ev("sprig.isAbs('/x') && !sprig.isAbs('x')")).toBe(true);
    expect(ev("sprig.chunk(2, [1, 2, 3])")).toEqual([[1, 2], [3]]);
    expect(ev("sprig.abbrev(5, 'hello world')")).toBe("he...");
    expect(ev("len(sprig.randAlphaNum(12))")).toBe(12);
    expect(ev("sprig.randNumeric(8)")).toMatch(/^[0-9]{8}$/);
    expect(ev("sprig.biggest(1, 9, 3)")).toBe(9);
    expect(ev("sprig.durationRound('2h5m')")).toBe("2h");
  });
  it("urlParse and urlJoin", () => {
    expect(ev("sprig.urlParse('https://u@example.com:8080/p?q=1#f').host")).toBe("example.com:8080");
    expect(ev("sprig.urlJoin({scheme: 'https', host: 'h', path: '/p', query: 'a=1'})")).toBe(
      "https://h/p?a=1",
    );
  });
  it("refuses the cryptographic helpers clearly", () => {
    expect(() => ev("sprig.bcrypt('x')")).toThrow("sprig.bcrypt is not supported by the local engine");
  });
});

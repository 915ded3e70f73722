import { describe, expect, it } from "vitest";
import {
  deepEqual,
  formatDuration,
  formatGoFloat,
  GoDuration,
  goJsonMarshal,
  goSprint,
  parseDuration,
} from "../../../../../lib/argo/expr/exprlang/values";

describe("Go-compatible formatting", () => {
  it("json.Marshal: sorted keys, HTML-safe strings, compact", () => {
    expect(goJsonMarshal({ b: 1, a: ["<x>", "a&b"], c: null })).toBe(
      '{"a":["\\u003cx\\u003e","a\\u0026b"],"b":1,"c":null}',
    );
    expect(goJsonMarshal("line\nbreak\u2028")).toBe('"line\\nbreak\\u2028"');
    expect(goJsonMarshal([])).toBe("[]");
    expect(goJsonMarshal(1e21)).toBe("1e+21");
    expect(goJsonMarshal(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(() => goJsonMarshal(Number.NaN)).toThrow(/unsupported value/);
  });
  it("json.MarshalIndent with two spaces", () => {
    expect(goJsonMarshal({ a: [1], b: {} }, "  ")).toBe('{\n  "a": [\n    1\n  ],\n  "b": {}\n}');
  });
  it("marshals times as RFC 3339 and durations as nanoseconds", () => {
    expect(goJsonMarshal(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 120)))).toBe('"2024-01-02T03:04:05.12Z"');
    expect(goJsonMarshal(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))).toBe('"2024-01-02T03:04:05Z"');
    expect(goJsonMarshal(new GoDuration(1500))).toBe("1500");
  });
  it("%v of floats uses the exponent form from 1e6 and below 1e-4", () => {
    expect(formatGoFloat(123456)).toBe("123456");
    expect(formatGoFloat(1e6)).toBe("1e+06");
    expect(formatGoFloat(1234567.5)).toBe("1.2345675e+06");
    expect(formatGoFloat(0.0001)).toBe("0.0001");
    expect(formatGoFloat(0.00001)).toBe("1e-05");
    expect(formatGoFloat(1e21)).toBe("1e+21");
    expect(formatGoFloat(Number.POSITIVE_INFINITY)).toBe("+Inf");
  });
  it("%v of values", () => {
    expect(goSprint(null)).toBe("<nil>");
    expect(goSprint([1, "a", [true]])).toBe("[1 a [true]]");
    expect(goSprint({ z: 1, a: { b: 2 } })).toBe("map[a:map[b:2] z:1]");
    expect(goSprint(2.5)).toBe("2.5");
  });
});

describe("durations", () => {
  it("parse Go duration strings", () => {
    expect(parseDuration("1h30m").nanoseconds).toBe(5_400_000_000_000);
    expect(parseDuration("-1.5s").nanoseconds).toBe(-1_500_000_000);
    expect(parseDuration("300ms").nanoseconds).toBe(300_000_000);
    expect(parseDuration("2us").nanoseconds).toBe(2_000);
    expect(parseDuration("0").nanoseconds).toBe(0);
    expect(() => parseDuration("1x")).toThrow('time: invalid duration "1x"');
    expect(() => parseDuration("")).toThrow(/invalid duration/);
  });
  it("print like time.Duration.String()", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(5_400_000_000_000)).toBe("1h30m0s");
    expect(formatDuration(1_500_000_000)).toBe("1.5s");
    expect(formatDuration(1_500_000)).toBe("1.5ms");
    expect(formatDuration(-90_000_000_000)).toBe("-1m30s");
  });
});

describe("deepEqual", () => {
  it("compares structurally, nil with nil only", () => {
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(deepEqual(null, undefined)).toBe(true);
    expect(deepEqual(null, 0)).toBe(false);
    expect(deepEqual(1, "1")).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { compilePattern, matchesPattern, PatternError } from "../../../../lib/local/bus/pattern";

const ec2Event = {
  version: "0",
  id: "ddddd4-aaaa-7777-4444-345dd43cc333",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "012345679012",
  time: "2017-10-02T16:24:49Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
  detail: {
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.33",
    "instance-id": "i-000000aaaaaa00000",
    state: "running",
    empty: "",
    nothing: null,
    tags: ["blue", "green"],
    nested: { deeper: { flag: true } },
  },
};

const matches = (pattern: unknown, event: unknown = ec2Event) => matchesPattern(pattern, event);

describe("exact values", () => {
  it("matches strings, and any value of a list (OR)", () => {
    expect(matches({ source: ["aws.ec2"] })).toBe(true);
    expect(matches({ source: ["aws.s3", "aws.ec2"] })).toBe(true);
    expect(matches({ source: ["aws.s3"] })).toBe(false);
    expect(matches({ source: ["AWS.EC2"] })).toBe(false);
  });

  it("ANDs fields together", () => {
    expect(matches({ source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] })).toBe(
      true,
    );
    expect(matches({ source: ["aws.ec2"], "detail-type": ["other"] })).toBe(false);
  });

  it("matches nested fields", () => {
    expect(matches({ detail: { state: ["running"] } })).toBe(true);
    expect(matches({ detail: { nested: { deeper: { flag: [true] } } } })).toBe(true);
    expect(matches({ detail: { nested: { deeper: { flag: [false] } } } })).toBe(false);
    expect(matches({ detail: { missing: { deeper: ["x"] } } })).toBe(false);
  });

  it("matches numbers numerically and keeps types apart", () => {
    expect(matches({ detail: { "c-count": [5] } })).toBe(true);
    expect(matches({ detail: { "x-limit": [3.018e2] } })).toBe(true);
    expect(matches({ detail: { "c-count": ["5"] } })).toBe(false);
    expect(matches({ detail: { state: [true] } })).toBe(false);
  });

  it("distinguishes null from the empty string", () => {
    expect(matches({ detail: { nothing: [null] } })).toBe(true);
    expect(matches({ detail: { nothing: [""] } })).toBe(false);
    expect(matches({ detail: { empty: [""] } })).toBe(true);
    expect(matches({ detail: { empty: [null] } })).toBe(false);
    expect(matches({ detail: { absent: [null] } })).toBe(false);
  });

  it("matches an event array when any element matches", () => {
    expect(matches({ detail: { tags: ["green"] } })).toBe(true);
    expect(matches({ detail: { tags: ["red", "blue"] } })).toBe(true);
    expect(matches({ detail: { tags: ["red"] } })).toBe(false);
    expect(matches({ resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"] })).toBe(
      true,
    );
  });

  it("matches fields of objects inside arrays within one element", () => {
    const event = {
      detail: {
        employees: [
          { firstName: "John", lastName: "Doe" },
          { firstName: "Anna", lastName: "Smith" },
        ],
      },
    };
    expect(matches({ detail: { employees: { firstName: ["Anna"] } } }, event)).toBe(true);
    expect(matches({ detail: { employees: { firstName: ["Anna"], lastName: ["Smith"] } } }, event)).toBe(
      true,
    );
    expect(matches({ detail: { employees: { firstName: ["Anna"], lastName: ["Doe"] } } }, event)).toBe(false);
  });

  it("does not treat an object as a leaf value", () => {
    expect(matches({ detail: { nested: ["x"] } })).toBe(false);
  });
});

describe("prefix and suffix", () => {
  it("prefix matches the start of strings only", () => {
    expect(matches({ time: [{ prefix: "2017-10-02" }] })).toBe(true);
    expect(matches({ time: [{ prefix: "2018" }] })).toBe(false);
    expect(matches({ detail: { "c-count": [{ prefix: "5" }] } })).toBe(false);
  });

  it("suffix matches the end of strings only", () => {
    expect(matches({ source: [{ suffix: "ec2" }] })).toBe(true);
    expect(matches({ source: [{ suffix: "s3" }] })).toBe(false);
  });

  it("prefix and suffix can ignore case", () => {
    expect(matches({ source: [{ prefix: { "equals-ignore-case": "AWS." } }] })).toBe(true);
    expect(matches({ source: [{ suffix: { "equals-ignore-case": "EC2" } }] })).toBe(true);
    expect(matches({ source: [{ suffix: { "equals-ignore-case": "S3" } }] })).toBe(false);
  });
});

describe("equals-ignore-case", () => {
  it("compares strings without case", () => {
    expect(matches({ source: [{ "equals-ignore-case": "AWS.EC2" }] })).toBe(true);
    expect(matches({ source: [{ "equals-ignore-case": "aws.ec" }] })).toBe(false);
  });
});

describe("wildcard", () => {
  it("matches * as any run of characters", () => {
    expect(matches({ source: [{ wildcard: "aws.*" }] })).toBe(true);
    expect(matches({ source: [{ wildcard: "*.ec2" }] })).toBe(true);
    expect(matches({ source: [{ wildcard: "a*e*2" }] })).toBe(true);
    expect(matches({ source: [{ wildcard: "aws.s*" }] })).toBe(false);
    expect(matches({ source: [{ wildcard: "aws.ec2" }] })).toBe(true);
  });

  it("treats regex characters literally and honours escapes", () => {
    expect(matches({ key: [{ wildcard: "a.b" }] }, { key: "axb" })).toBe(false);
    expect(matches({ key: [{ wildcard: "a\\*b" }] }, { key: "a*b" })).toBe(true);
    expect(matches({ key: [{ wildcard: "a\\*b" }] }, { key: "axb" })).toBe(false);
    expect(matches({ key: [{ wildcard: "a\\\\*" }] }, { key: "a\\zz" })).toBe(true);
  });

  it("rejects consecutive wildcards and stray escapes", () => {
    expect(() => compilePattern({ key: [{ wildcard: "a**b" }] })).toThrow(/consecutive wildcard/);
    expect(() => compilePattern({ key: [{ wildcard: "a\\b" }] })).toThrow(/backslash/);
  });
});

describe("anything-but", () => {
  it("excludes a single string or number", () => {
    expect(matches({ detail: { state: [{ "anything-but": "initializing" }] } })).toBe(true);
    expect(matches({ detail: { state: [{ "anything-but": "running" }] } })).toBe(false);
    expect(matches({ detail: { "x-limit": [{ "anything-but": 123 }] } })).toBe(true);
    expect(matches({ detail: { "x-limit": [{ "anything-but": 301.8 }] } })).toBe(false);
  });

  it("excludes a list", () => {
    expect(matches({ detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } })).toBe(true);
    expect(matches({ detail: { state: [{ "anything-but": ["stopped", "running"] }] } })).toBe(false);
    expect(matches({ detail: { "c-count": [{ "anything-but": [100, 200, 5] }] } })).toBe(false);
  });

  it("excludes prefixes, suffixes, case-insensitive values and wildcards", () => {
    expect(matches({ detail: { state: [{ "anything-but": { prefix: "init" } }] } })).toBe(true);
    expect(matches({ detail: { state: [{ "anything-but": { prefix: "run" } }] } })).toBe(false);
    expect(matches({ detail: { state: [{ "anything-but": { prefix: ["stop", "run"] } }] } })).toBe(false);
    expect(matches({ detail: { state: [{ "anything-but": { suffix: "ing" } }] } })).toBe(false);
    expect(matches({ detail: { state: [{ "anything-but": { suffix: "ed" } }] } })).toBe(true);
    expect(matches({ detail: { state: [{ "anything-but": { "equals-ignore-case": "RUNNING" } }] } })).toBe(
      false,
    );
    expect(matches({ detail: { state: [{ "anything-but": { "equals-ignore-case": ["A", "B"] } }] } })).toBe(
      true,
    );
    expect(matches({ detail: { state: [{ "anything-but": { wildcard: "r*g" } }] } })).toBe(false);
    expect(matches({ detail: { state: [{ "anything-but": { wildcard: "s*" } }] } })).toBe(true);
  });

  it("never matches a missing field", () => {
    expect(matches({ detail: { absent: [{ "anything-but": "x" }] } })).toBe(false);
  });

  it("matches an array when some element is not excluded", () => {
    expect(matches({ detail: { tags: [{ "anything-but": "blue" }] } })).toBe(true);
    expect(matches({ detail: { tags: [{ "anything-but": ["blue", "green"] }] } })).toBe(false);
  });

  it("rejects mixed lists", () => {
    expect(() => compilePattern({ a: [{ "anything-but": ["x", 1] }] })).toThrow(PatternError);
  });
});

describe("numeric", () => {
  it("matches ranges and equality on numbers", () => {
    expect(matches({ detail: { "c-count": [{ numeric: [">", 0, "<=", 5] }] } })).toBe(true);
    expect(matches({ detail: { "c-count": [{ numeric: [">", 0, "<", 5] }] } })).toBe(false);
    expect(matches({ detail: { "d-count": [{ numeric: ["<", 10] }] } })).toBe(true);
    expect(matches({ detail: { "d-count": [{ numeric: [">=", 3] }] } })).toBe(true);
    expect(matches({ detail: { "d-count": [{ numeric: [">", 3] }] } })).toBe(false);
    expect(matches({ detail: { "x-limit": [{ numeric: ["=", 3.018e2] }] } })).toBe(true);
  });

  it("only applies to JSON numbers", () => {
    expect(matches({ detail: { state: [{ numeric: [">", 0] }] } })).toBe(false);
    expect(matches({ n: [{ numeric: [">", 0] }] }, { n: "5" })).toBe(false);
  });

  it("rejects malformed ranges", () => {
    expect(() => compilePattern({ n: [{ numeric: [">", 0, ">", 5] }] })).toThrow(/two lower bounds/);
    expect(() => compilePattern({ n: [{ numeric: ["=", 1, "<", 5] }] })).toThrow(/cannot be combined/);
    expect(() => compilePattern({ n: [{ numeric: ["~", 1] }] })).toThrow(/unknown numeric operator/);
    expect(() => compilePattern({ n: [{ numeric: [">"] }] })).toThrow(PatternError);
    expect(() => compilePattern({ n: [{ numeric: [">", 6e9] }] })).toThrow(/limited/);
  });
});

describe("exists", () => {
  it("tests the presence of leaf fields", () => {
    expect(matches({ detail: { "c-count": [{ exists: true }] } })).toBe(true);
    expect(matches({ detail: { "c-count": [{ exists: false }] } })).toBe(false);
    expect(matches({ detail: { absent: [{ exists: false }] } })).toBe(true);
    expect(matches({ detail: { absent: [{ exists: true }] } })).toBe(false);
    expect(matches({ detail: { nothing: [{ exists: true }] } })).toBe(true);
  });

  it("does not see intermediate objects as present", () => {
    expect(matches({ detail: { nested: [{ exists: true }] } })).toBe(false);
    expect(matches({ detail: { nested: [{ exists: false }] } })).toBe(true);
  });

  it("holds for fields below a missing parent", () => {
    expect(matches({ detail: { gone: { child: [{ exists: false }] } } })).toBe(true);
    expect(matches({ other: { child: [{ exists: false }] } })).toBe(true);
  });

  it("treats an empty array as absent", () => {
    expect(matches({ resources: [{ exists: false }] }, { resources: [] })).toBe(true);
  });
});

describe("cidr", () => {
  it("matches IPv4 and IPv6 addresses inside the block", () => {
    expect(matches({ detail: { "source-ip": [{ cidr: "10.0.0.0/24" }] } })).toBe(true);
    expect(matches({ detail: { "source-ip": [{ cidr: "10.0.1.0/24" }] } })).toBe(false);
    expect(matches({ ip: [{ cidr: "2001:db8::/32" }] }, { ip: "2001:db8::1" })).toBe(true);
    expect(matches({ ip: [{ cidr: "2001:db8::/32" }] }, { ip: "10.0.0.1" })).toBe(false);
  });

  it("rejects malformed blocks", () => {
    expect(() => compilePattern({ ip: [{ cidr: "10.0.0.0/33" }] })).toThrow(/CIDR/);
  });
});

describe("$or", () => {
  it("ORs sub-patterns alongside ANDed fields", () => {
    const pattern = {
      source: ["aws.ec2"],
      $or: [{ detail: { state: ["stopped"] } }, { detail: { "c-count": [{ numeric: [">", 4] }] } }],
    };
    expect(matches(pattern)).toBe(true);
    expect(matches({ ...pattern, source: ["aws.s3"] })).toBe(false);
  });

  it("works inside nested objects and nests", () => {
    expect(
      matches({
        detail: {
          $or: [
            { state: ["stopped"] },
            { "c-count": [5], $or: [{ "d-count": [1] }, { "x-limit": [301.8] }] },
          ],
        },
      }),
    ).toBe(true);
    expect(matches({ detail: { $or: [{ state: ["stopped"] }, { "c-count": [6] }] } })).toBe(false);
  });

  it("needs two or more sub-patterns", () => {
    expect(() => compilePattern({ $or: [{ source: ["a"] }] })).toThrow(/at least two/);
  });
});

describe("validation", () => {
  it("names where the pattern is wrong", () => {
    expect(() => compilePattern({ detail: { state: "running" } })).toThrow(/at detail\.state:/);
    expect(() => compilePattern({ detail: { state: [{ bogus: 1 }] } })).toThrow(
      /detail\.state\[0\].*unknown matcher "bogus"/,
    );
    expect(() => compilePattern({ source: [] })).toThrow(/empty array/);
    expect(() => compilePattern({})).toThrow(/non-empty JSON object/);
    expect(() => compilePattern("{not json")).toThrow(/not valid JSON/);
    expect(() => compilePattern({ a: [{ prefix: "x", suffix: "y" }] })).toThrow(/exactly one key/);
    expect(() => compilePattern({ a: [{ exists: "yes" }] })).toThrow(/true or false/);
  });

  it("accepts a pattern as JSON text", () => {
    expect(compilePattern('{"source":["aws.ec2"]}')(ec2Event)).toBe(true);
  });
});

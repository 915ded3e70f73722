import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isSkiffResource } from "skiff";
import { describe, expect, it } from "vitest";
import { generatePipeline } from "../../../bench/compile/generate";
import { toYaml } from "../../../lib/compiler/yaml";
import { UnwritableValueError } from "../../../lib/compiler/yaml-writer";
import { seededRandom } from "../../support/seeded-random";
import { pyyaml, type Reader, yaml12 } from "../../support/yaml-readers";

// Strings that each hit one of YAML's scalar rules: implicit types, indicators, quoting, block scalars.
const TRICKY = [
  "",
  " ",
  "a",
  "y",
  "yes",
  "No",
  "on",
  "OFF",
  "true",
  "False",
  "null",
  "NULL",
  "~",
  "<<",
  "0",
  "-0",
  "007",
  "0x1F",
  "0o17",
  "0b101",
  "1e3",
  "1.5",
  ".5",
  ".inf",
  "-.inf",
  ".nan",
  "NaN",
  "Infinity",
  "1_000",
  "-1_000",
  "0_7",
  "1__",
  "0x_1F",
  "0b1_0",
  "0755",
  "1:20",
  "-1:20:30",
  "12:300",
  "1:20.5",
  "._5",
  ".",
  "1.",
  "1.e+21",
  "1e+3",
  "1_0.5e3",
  "+.INF",
  ".NaN",
  "yEs",
  "Y",
  "n",
  "nO",
  "oN",
  "oFf",
  "tRUE",
  "nULL",
  "=",
  "2001-12-14",
  "2001-1-4",
  "2001-12-14t21:59:43.10-05:00",
  "2001-12-14 21:59:43.10 -5",
  "2001-12-14 21:59:43.10 -5 later",
  "1.2.3",
  "12:30",
  "190:20:30.15",
  "2024-01-01",
  "2024-01-01T10:00:00Z",
  "-",
  "- a",
  "-a",
  "?",
  "? a",
  ":",
  "a:",
  "a: b",
  "a:b",
  "a #b",
  "a#b",
  "#a",
  "&a",
  "*a",
  "!a",
  "|a",
  ">a",
  "%a",
  "@a",
  "`a",
  "=a",
  "'a'",
  '"a"',
  "a'b",
  'a"b',
  "[a]",
  "{a}",
  "a, b",
  "{{inputs.parameters.msg}}",
  "echo {{inputs.parameters.msg}}",
  "{{tasks.a.outputs.result}} == heads",
  "a ",
  " a",
  "a\tb",
  "\ta",
  "a\rb",
  "a\nb",
  "a\n",
  "a\n\n",
  "\n",
  "\n\n",
  " leading\nspace",
  "\n leading",
  "line1\nline2\n",
  "import sys\nprint(sys.argv)\n",
  "tab\tin\nblock",
  "é",
  "naïve\ntext",
  "emoji 🚀",
  "🚀\nrocket",
  "\u00a0nbsp",
  "a\u0085b",
  "a\u2028b",
  "\ufeffbom",
  "a\u0000b",
  "x".repeat(1100),
  "/path/to/file",
  "_under",
  "CamelCase",
  "with.dots-and_dashes/slashes",
];

const KEYS = [
  "name",
  "value",
  "zeta",
  "a",
  "b",
  "true",
  "1",
  "10",
  "2",
  "01",
  "on",
  "{{x}}",
  "key with space",
  "é",
  "-k",
  "",
];

function randomValue(next: () => number, depth: number): unknown {
  const pick = next();
  if (depth > 3 || pick < 0.45) {
    const scalar = next();
    if (scalar < 0.6) return TRICKY[Math.floor(next() * TRICKY.length)];
    if (scalar < 0.7) return Math.floor(next() * 2000) - 1000;
    if (scalar < 0.75) return [0.5, -0, 1e21, 2 ** 53 + 2, 1e-7, 123.456][Math.floor(next() * 6)];
    if (scalar < 0.85) return next() < 0.5;
    if (scalar < 0.9) return null;
    return TRICKY[Math.floor(next() * TRICKY.length)] + TRICKY[Math.floor(next() * TRICKY.length)];
  }
  if (pick < 0.7) {
    const length = Math.floor(next() * 4);
    return Array.from({ length }, () => (next() < 0.05 ? undefined : randomValue(next, depth + 1)));
  }
  const object: Record<string, unknown> = {};
  const size = Math.floor(next() * 5);
  for (let i = 0; i < size; i++) {
    const key = KEYS[Math.floor(next() * KEYS.length)];
    object[key] = next() < 0.05 ? undefined : randomValue(next, depth + 1);
  }
  return object;
}

async function dslSpecs(): Promise<[string, unknown][]> {
  const dir = fileURLToPath(new URL("../../conformance/hera", import.meta.url));
  const specs: [string, unknown][] = [];
  for (const name of readdirSync(dir).filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))) {
    const module = (await import(pathToFileURL(join(dir, name)).href)) as { default: unknown };
    if (isSkiffResource(module.default)) specs.push([name, module.default.toSpec()]);
  }
  return specs;
}

/** The value a reader must get back: undefined members dropped, undefined items read as null. */
function expected(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : expected(item)));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) if (member !== undefined) out[key] = expected(member);
  return out;
}

const READERS: [string, Reader][] = [
  ["YAML 1.2 (js-yaml)", yaml12],
  ["YAML 1.1 (PyYAML, with Go yaml.v2's y/n)", pyyaml],
];

/** Writes every value and has every reader read it back: each must get exactly the value written. */
function expectRoundTrips(values: [string, unknown][]): void {
  const texts = values.map(([, value]) => toYaml(value));
  for (const [reader, read] of READERS) {
    const back = read(texts);
    values.forEach(([name, value], i) => {
      const text = texts[i];
      expect({ reader, name, text, value: back[i] }).toEqual({ reader, name, text, value: expected(value) });
    });
  }
}

describe("the YAML writer", () => {
  it("writes every tricky string, as a value, a key and a list item, so that YAML 1.1 and 1.2 readers read it back", () => {
    expectRoundTrips(
      TRICKY.flatMap((text) =>
        [{ text }, { [text]: 1 }, { list: [text, { text }] }, { deep: { deeper: [[text]] } }].map(
          (value): [string, unknown] => [JSON.stringify(text), value],
        ),
      ),
    );
  });

  it("spells scalars plainly where every reader agrees, quoted otherwise", () => {
    const spelled: [unknown, string][] = [
      ["echo hello", "echo hello"],
      ["python:3.12", "python:3.12"],
      ["a,b", "a,b"],
      ["1.2.3", "1.2.3"],
      ["10Gi", "10Gi"],
      ["é", "é"],
      ["it's", "it's"],
      ["{{inputs.parameters.msg}}", "'{{inputs.parameters.msg}}'"],
      ["'q'", "'''q'''"],
      ["1_000", "'1_000'"],
      ["0x1f", "'0x1f'"],
      ["0o17", "'0o17'"],
      ["1:20", "'1:20'"],
      ["yEs", "'yEs'"],
      ["Off", "'Off'"],
      ["~", "'~'"],
      ["null", "'null'"],
      [".inf", "'.inf'"],
      ["2001-12-14", "'2001-12-14'"],
      ["<<", "'<<'"],
      ["=", "'='"],
      ["", "''"],
      ["a\tb", '"a\\tb"'],
      ["a\u0085b", '"a\\Nb"'],
      ["a\u0000b", '"a\\0b"'],
      ["nbsp\u00a0", '"nbsp\\_"'],
      ["tab\tin\nblock", '"tab\\tin\\nblock"'],
      ["a\u0001\u2028\ufeff", '"a\\x01\\L\\uFEFF"'],
      [1000, "1000"],
      [1.5, "1.5"],
      [1e21, "1.e+21"],
      [1e-7, "1.e-7"],
      [-0, "-0.0"],
      [Number.NaN, ".nan"],
      [Number.NEGATIVE_INFINITY, "-.inf"],
      [true, "true"],
      [null, "null"],
    ];
    for (const [value, text] of spelled)
      expect([value, toYaml({ v: value })]).toEqual([value, `v: ${text}\n`]);
  });

  it("writes multi-line strings as literal block scalars", () => {
    expect(toYaml({ a: { run: "set -e\necho hi\n" } })).toBe("a:\n  run: |\n    set -e\n    echo hi\n");
    expect(toYaml({ run: "no newline\nat end" })).toBe("run: |-\n  no newline\n  at end\n");
    expect(toYaml({ run: " indented\nfirst\n\n" })).toBe("run: |2+\n   indented\n  first\n\n");
  });

  it("gives keys that cannot be plain implicit keys their own form: multi-line, over 1024 characters", () => {
    const long = "k".repeat(1100);
    expect(toYaml({ "a\nb": 1 })).toBe('"a\\nb": 1\n');
    expect(toYaml({ [long]: { x: 1 } })).toBe(`? ${long}\n:\n  x: 1\n`);
    expectRoundTrips([
      ["multi-line key", { "a\nb": [1], c: { "d\ne": "f" } }],
      ["long key", { [long]: { x: [long] }, [`${long}:`]: "v", short: 1 }],
    ]);
  });

  it("round-trips every Hera conformance spec and a generated 500-task spec through YAML 1.1 and 1.2 readers", async () => {
    const specs = await dslSpecs();
    expect(specs.length).toBeGreaterThan(20);
    const { compilePipeline, memorySourceFiles } = await import("../../../lib/compiler");
    const result = await compilePipeline({
      entry: "pipeline.ts",
      files: memorySourceFiles({ "pipeline.ts": generatePipeline(500) }),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.yaml).toBe(toYaml(result.spec));
    expectRoundTrips([...specs, ["500 tasks", result.spec]]);
  });

  it("round-trips 3,000 random documents through YAML 1.1 and 1.2 readers", () => {
    const next = seededRandom(20261123);
    expectRoundTrips(
      Array.from({ length: 3000 }, (_, i): [string, unknown] => [
        `document ${i}`,
        { doc: randomValue(next, 0), other: randomValue(next, 1) },
      ]),
    );
  });

  it("tells apart objects whose key lists join alike, and orders array-index keys as JavaScript does", () => {
    const values: unknown[] = [
      { list: [{ "": 1 }, {}] },
      // Keys that look like the writer's own length-prefixed shape keys.
      { list: [{ "1:a1:b": 1 }, { a: 1, b: 2 }, { "2:ab": 1 }, { ab: 1, "": 2 }] },
      {
        list: [
          { "a\u0000b": 1, c: 2 },
          { a: 3, "b\u0000c": 4 },
        ],
      },
      {
        list: [
          { b: 1, a: 2 },
          { a: 1, b: 2 },
          { 2: "x", 10: "y", a: "z" },
        ],
      },
    ];
    expectRoundTrips(values.map((value, i): [string, unknown] => [`value ${i}`, value]));
    expect(
      toYaml({
        list: [
          { b: 1, a: 2 },
          { 10: "y", 2: "x", a: "z" },
        ],
      }),
    ).toBe("list:\n  - a: 2\n    b: 1\n  - '2': x\n    '10': 'y'\n    a: z\n");
  });

  it("refuses values a spec cannot hold, and writes top-level scalars and lists", () => {
    expect(() => toYaml({ run: () => 1 })).toThrow(UnwritableValueError);
    expect(() => toYaml({ n: 10n })).toThrow(/a bigint cannot be written as YAML/);
    expect(toYaml({ when: new Date(0) })).toBe("when: {}\n");
    expect(toYaml("text")).toBe("text\n");
    expect(toYaml([1, "a"])).toBe("- 1\n- a\n");
  });
});

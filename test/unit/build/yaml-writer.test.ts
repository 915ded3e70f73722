import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dump } from "js-yaml";
import { isSkiffResource } from "skiff";
import { describe, expect, it } from "vitest";
import { generatePipeline } from "../../../bench/compile/generate";
import { canonicalize, toYaml } from "../../../lib/build/yaml";
import { DUMP_OPTIONS } from "../../../lib/build/yaml-writer";
import { seededRandom } from "../../support/seeded-random";

// The reference: what toYaml always produced (js-yaml's dump of the canonical manifest).
const reference = (value: unknown) => dump(canonicalize(value), DUMP_OPTIONS);

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
    if (isSkiffResource(module.default)) specs.push([name, module.default.toManifest()]);
  }
  return specs;
}

describe("the YAML writer", () => {
  it("writes exactly what js-yaml dumps, on every Hera conformance spec", async () => {
    const specs = await dslSpecs();
    expect(specs.length).toBeGreaterThan(20);
    for (const [name, manifest] of specs)
      expect([name, toYaml(manifest)]).toEqual([name, reference(manifest)]);
  });

  it("writes exactly what js-yaml dumps, on a generated 500-task spec", async () => {
    const { compilePipeline, memorySourceFiles } = await import("../../../lib/build");
    try {
      const result = await compilePipeline({
        entry: "pipeline.ts",
        files: memorySourceFiles({ "pipeline.ts": generatePipeline(500) }),
      });
      expect(result.diagnostics).toEqual([]);
      expect(result.yaml).toBe(reference(result.manifest));
    } finally {
    }
  });

  it("writes exactly what js-yaml dumps, for each tricky string as a value, a key and a list item", () => {
    for (const text of TRICKY) {
      for (const value of [
        { text },
        { [text]: 1 },
        { list: [text, { text }] },
        { deep: { deeper: [[text]] } },
      ]) {
        expect([text, toYaml(value)]).toEqual([text, reference(value)]);
      }
    }
  });

  it("writes exactly what js-yaml dumps, on 3,000 random documents", () => {
    const next = seededRandom(20261123);
    for (let i = 0; i < 3000; i++) {
      const value = { doc: randomValue(next, 0), other: randomValue(next, 1) };
      expect(toYaml(value)).toBe(reference(value));
    }
  });

  it("tells apart objects whose key lists join alike", () => {
    for (const value of [
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
    ])
      expect(toYaml(value)).toBe(reference(value));
  });

  it("leaves values js-yaml refuses to js-yaml (same error)", () => {
    const value = { run: () => 1 };
    expect(() => toYaml(value)).toThrow(/unacceptable kind of an object to dump/);
    expect(toYaml({ when: new Date(0) })).toBe(reference({ when: new Date(0) }));
    expect(toYaml("text")).toBe(reference("text"));
    expect(toYaml([1, "a"])).toBe(reference([1, "a"]));
  });
});

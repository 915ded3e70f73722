// `skiff import` round trip: every document of Argo's examples and Hera's YAML corpus is imported, built with
// the project's compiler (the path `skiff build` takes) and compared with the original under ./normalise.ts.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { compilePipeline, memorySourceFiles, parseSpecs, typecheckPipeline } from "../../../lib/compiler";
import { formatTypeScript, importSource, parseDocuments } from "../../../lib/import";
import { normalise } from "./normalise";

const shared = fileURLToPath(new URL("../../../../shared/conformance/", import.meta.url));
const root = fileURLToPath(new URL("../../../", import.meta.url));
const CORPORA = [join(shared, "argo", "examples"), join(shared, "hera")];

/** Documents that do not round-trip, each with why and the failure that shows it. */
const EXCEPTIONS: Record<string, { reason: string; failure: RegExp }> = {
  "argo/examples/testvolume.yaml": {
    reason: "a PersistentVolumeClaim, not one of Argo's workflow kinds: refused",
    failure: /cannot import kind "PersistentVolumeClaim"/,
  },
  "argo/examples/workflow-count-resourcequota.yaml": {
    reason: "a ResourceQuota, not one of Argo's workflow kinds: refused",
    failure: /cannot import kind "ResourceQuota"/,
  },
  "hera/misc/global_config.yaml#0": {
    reason: "Hera's test value apiVersion argoproj.io/v0beta9000: the DSL always writes argoproj.io/v1alpha1",
    failure: /^differs at apiVersion$/,
  },
};

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return yamlFiles(full);
      return name.endsWith(".yaml") || name.endsWith(".yml") ? [full] : [];
    })
    .sort();
}

/** The first path where two normalised values differ, for the failure message. */
function firstDifference(a: unknown, b: unknown, path = ""): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        path ? `${path}.${key}` : key,
      );
      if (found !== undefined) return found;
    }
  }
  return path;
}

/** Equal as JSON with keys in any order (normalise() has already made everything else canonical). */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sorted((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

interface Outcome {
  key: string;
  /** The imported module, when the import succeeded. */
  source?: string;
  failure?: string;
}

const outcomes: Outcome[] = [];

beforeAll(async () => {
  for (const file of CORPORA.flatMap(yamlFiles)) {
    const name = relative(shared, file);
    const text = readFileSync(file, "utf8");
    let count: number;
    try {
      count = parseDocuments(text, name).length;
    } catch (error) {
      outcomes.push({ key: name, failure: (error as Error).message });
      continue;
    }
    const originals = parseSpecs(text, name).documents;
    for (let document = 0; document < count; document++) {
      const key = `${name}#${document}`;
      const source = importSource(text, name, { document });
      const built = await compilePipeline({
        entry: "pipeline.ts",
        files: memorySourceFiles({ "pipeline.ts": source }),
      });
      if (!built.spec) {
        outcomes.push({ key, source, failure: built.diagnostics.map((d) => d.message).join("; ") });
        continue;
      }
      const ours = sorted(normalise(JSON.parse(JSON.stringify(built.spec))));
      const theirs = sorted(normalise(originals[document]));
      const difference = firstDifference(ours, theirs);
      outcomes.push({
        key,
        source,
        failure: difference === undefined ? undefined : `differs at ${difference}`,
      });
    }
  }
}, 600_000);

describe("skiff import round trip (Argo's examples and Hera's corpus)", () => {
  it("rebuilds every document to an equal Spec, but for the listed exceptions", () => {
    const failed = Object.fromEntries(outcomes.filter((o) => o.failure).map((o) => [o.key, o.failure]));
    const passed = outcomes.length - Object.keys(failed).length;
    console.info(
      `skiff import round trip: ${passed} of ${outcomes.length} documents equal after import → build`,
    );
    expect(Object.keys(failed).sort()).toEqual(Object.keys(EXCEPTIONS).sort());
    for (const [key, { failure }] of Object.entries(EXCEPTIONS)) expect(failed[key]).toMatch(failure);
    expect(outcomes.length).toBeGreaterThan(600);
  });

  it("writes code that type-checks against the DSL (the whole corpus, one compiler run)", async () => {
    const sources = new Map<string, string>();
    const names = new Map<string, string>();
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.source === undefined) continue;
      sources.set(`m${index}.ts`, outcome.source);
      names.set(`m${index}.ts`, outcome.key);
    }
    const diagnostics = await typecheckPipeline(sources, { timeoutMs: 300_000 });
    expect(diagnostics.map((d) => `${names.get(d.file ?? "")}: ${d.message}`)).toEqual([]);
  }, 300_000);

  it("writes code Biome's formatter leaves unchanged (a sample of one in 24, with the project's biome.json)", async () => {
    const sample = outcomes.filter((o, index) => o.source !== undefined && index % 24 === 0);
    expect(sample.length).toBeGreaterThan(20);
    const biome = join(root, "node_modules", "@biomejs", "biome", "bin", "biome");
    for (const outcome of sample) {
      const formatted = await formatTypeScript(outcome.source as string);
      const again = spawnSync(process.execPath, [biome, "format", "--stdin-file-path=test/pipeline.ts"], {
        cwd: root,
        input: formatted,
        encoding: "utf8",
      });
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout, outcome.key).toBe(formatted);
    }
  }, 300_000);
});

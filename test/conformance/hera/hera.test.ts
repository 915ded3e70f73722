import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isSkiffResource } from "skiff";
import { describe, expect, it } from "vitest";
import { formatDiagnostic, lintSpec, toYaml } from "../../../lib/compiler";
import { parseYaml } from "../../support/yaml";
import { argoValidator } from "../../unit/dsl/argo-schema";

const here = fileURLToPath(new URL(".", import.meta.url));
const heraRoot = new URL("../../../../shared/conformance/hera/", import.meta.url);
const ports = readdirSync(here)
  .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && !file.startsWith("_"))
  .sort();
const validate = argoValidator();

type Json = unknown;

/** Hera's comparison rules: templates sorted by name, labels/annotations ignored, script whitespace ignored. */
function normalise(value: Json, key = ""): Json {
  if (Array.isArray(value)) {
    const items = value.map((entry) => normalise(entry));
    if (key === "templates") {
      return items.sort((a, b) =>
        String((a as { name?: string }).name).localeCompare(String((b as { name?: string }).name)),
      );
    }
    return items;
  }
  if (typeof value === "object" && value !== null) {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "labels" || k === "annotations") continue;
      out[k] = normalise(v, k);
    }
    return out;
  }
  if (key === "source" && typeof value === "string") return value.replace(/\s+/g, " ").trim();
  return value;
}

describe("Hera conformance ports", () => {
  it("has at least 40 ports", () => {
    expect(ports.length).toBeGreaterThanOrEqual(40);
  });

  for (const file of ports) {
    it(`${file} compiles to Hera's YAML, validates against Argo's schema and lints clean`, async () => {
      const port = (await import(pathToFileURL(`${here}${file}`).href)) as { hera: string; default: unknown };
      expect(typeof port.hera).toBe("string");
      expect(isSkiffResource(port.default)).toBe(true);
      if (!isSkiffResource(port.default)) return;
      const spec = port.default.toSpec();
      const ours = parseYaml(toYaml(spec));
      const theirs = parseYaml(readFileSync(new URL(port.hera, heraRoot), "utf8"));
      expect(normalise(ours)).toEqual(normalise(theirs));
      const check = validate(spec);
      expect(check.errors).toEqual([]);
      expect(check.valid).toBe(true);
      expect(lintSpec(spec, port.default.sites()).map(formatDiagnostic)).toEqual([]);
    });
  }
});

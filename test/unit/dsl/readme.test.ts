import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isSkiffResource } from "skiff";
import { describe, expect, it } from "vitest";
import { argoValidator } from "./argo-schema";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
const fixturesDir = fileURLToPath(new URL("../../fixtures/dsl/readme/", import.meta.url));
const fixtures = readdirSync(fixturesDir)
  .filter((file) => file.endsWith(".ts"))
  .sort();
const validate = argoValidator();

function guideSnippets(): string[] {
  const start = readme.indexOf("## Writing pipelines (DSL guide)");
  if (start < 0) return [];
  const next = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
}

describe("README DSL guide", () => {
  const snippets = guideSnippets();

  it("shows exactly the type-checked fixture files, in order", () => {
    // tsc checks test/fixtures/dsl/readme/*.ts as part of `npm test`; the guide must quote them verbatim.
    expect(snippets.length).toBeGreaterThan(0);
    expect(snippets).toEqual(fixtures.map((file) => readFileSync(`${fixturesDir}${file}`, "utf8")));
  });

  for (const file of fixtures) {
    it(`${file} compiles to a manifest valid against Argo's schema`, async () => {
      const module = (await import(pathToFileURL(`${fixturesDir}${file}`).href)) as { default: unknown };
      const exported =
        typeof module.default === "function" ? module.default({ env: "prod" }) : module.default;
      expect(isSkiffResource(exported)).toBe(true);
      if (!isSkiffResource(exported)) return;
      const manifest = exported.toManifest();
      expect(validate(manifest).errors).toEqual([]);
    });
  }
});

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isSkiffResource } from "skiff";
import { describe, expect, it } from "vitest";
import { argoValidator } from "./argo-schema";

const root = new URL("../../../", import.meta.url);
const docsDir = new URL("docs/", root);
const fixturesDir = fileURLToPath(new URL("../../fixtures/dsl/docs/", import.meta.url));
const fixtures = readdirSync(fixturesDir)
  .filter((file) => file.endsWith(".ts"))
  .sort();
const fixtureText = new Map(fixtures.map((file) => [file, readFileSync(`${fixturesDir}${file}`, "utf8")]));
const validate = argoValidator();
/** Programs using skiff/client (examples/client/*.ts, type-checked by tsc too) may be quoted whole as well. */
const clientExamplesDir = fileURLToPath(new URL("examples/client/", root));
const clientExamples = readdirSync(clientExamplesDir)
  .filter((file) => file.endsWith(".ts"))
  .map((file) => readFileSync(`${clientExamplesDir}${file}`, "utf8"));

/** The user's documentation: README.md and every docs/*.md. */
const documents = [
  "README.md",
  ...readdirSync(docsDir)
    .filter((file) => file.endsWith(".md"))
    .sort()
    .map((file) => `docs/${file}`),
];

function tsSnippets(document: string): string[] {
  const text = readFileSync(new URL(document, root), "utf8");
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
}

describe("TypeScript snippets of README.md and docs/", () => {
  // tsc checks test/fixtures/dsl/docs/*.ts and examples/client/*.ts as part of `npm test`; the docs must quote
  // them verbatim.
  for (const document of documents) {
    it(`${document}: every TypeScript snippet is a type-checked fixture`, () => {
      const quoted = new Set([...fixtureText.values(), ...clientExamples]);
      for (const snippet of tsSnippets(document)) expect(quoted.has(snippet), snippet).toBe(true);
    });
  }

  it("the README shows pipelines", () => {
    expect(tsSnippets("README.md").length).toBeGreaterThan(0);
  });

  it("the DSL guide (docs/dsl.md) shows every fixture, in order", () => {
    expect(tsSnippets("docs/dsl.md")).toEqual(fixtures.map((file) => fixtureText.get(file)));
  });

  for (const file of fixtures) {
    it(`${file} compiles to a spec valid against Argo's schema`, async () => {
      const module = (await import(pathToFileURL(`${fixturesDir}${file}`).href)) as { default: unknown };
      const exported =
        typeof module.default === "function" ? module.default({ env: "prod" }) : module.default;
      expect(isSkiffResource(exported)).toBe(true);
      if (!isSkiffResource(exported)) return;
      const spec = exported.toSpec();
      expect(validate(spec).errors).toEqual([]);
    });
  }
});

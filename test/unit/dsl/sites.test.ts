import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { isSkiffResource, type SourceSite, specSites } from "skiff";
import { afterAll, describe, expect, it } from "vitest";
import { compilePipeline, directorySourceFiles } from "../../../lib/compiler";

const fixture = fileURLToPath(new URL("../../fixtures/dsl/sited-pipeline.ts", import.meta.url));
const dslEntry = fileURLToPath(new URL("../../../lib/dsl/index.ts", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "skiff-dsl-sites-"));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** The text at a site: the call expression user code wrote there. */
function textAt(source: string, site: SourceSite): string {
  return source.split("\n")[site.line - 1].slice(site.column - 1);
}

async function sitesOf(url: string): Promise<Record<string, SourceSite>> {
  const module = (await import(url)) as { default: unknown };
  if (!isSkiffResource(module.default)) throw new Error("not a resource");
  return specSites(module.default);
}

describe("specSites", () => {
  it("maps spec paths to where user code created each object, in emission order", async () => {
    const sites = await sitesOf(pathToFileURL(fixture).href);
    expect(Object.keys(sites)).toEqual([
      "metadata",
      "spec.templates[0]",
      "spec.templates[0].dag.tasks[0]",
      "spec.templates[0].dag.tasks[1]",
      "spec.templates[1]",
    ]);
    const source = readFileSync(fixture, "utf8");
    for (const site of Object.values(sites)) expect(site.file).toContain("sited-pipeline.ts");
    expect(textAt(source, sites.metadata)).toMatch(/^workflow\(/);
    expect(textAt(source, sites["spec.templates[0]"])).toMatch(/^dag\("main"/);
    expect(textAt(source, sites["spec.templates[0].dag.tasks[0]"])).toMatch(/^task\("a"/);
    expect(textAt(source, sites["spec.templates[0].dag.tasks[1]"])).toMatch(/^task\("b"/);
    expect(textAt(source, sites["spec.templates[1]"])).toMatch(/^container\(/);
  });

  it("points at user code when the DSL is bundled into the same file as the pipeline", async () => {
    const outfile = join(work, "bundle.mjs");
    await build({
      entryPoints: [fixture],
      bundle: true,
      format: "esm",
      platform: "node",
      outfile,
      alias: { skiff: dslEntry },
      logLevel: "silent",
    });
    const sites = await sitesOf(pathToFileURL(outfile).href);
    const bundled = readFileSync(outfile, "utf8");
    expect(sites.metadata.file).toContain("bundle.mjs");
    expect(textAt(bundled, sites.metadata)).toMatch(/^workflow\(\{ generateName: "sited-"/);
    expect(textAt(bundled, sites["spec.templates[0].dag.tasks[1]"])).toMatch(/^task\("b"/);
    expect(textAt(bundled, sites["spec.templates[1]"])).toMatch(/^container\(\{ name: "echo"/);
  });

  it("survives the compiler's sandbox and source map back to the pipeline's lines", async () => {
    const result = await compilePipeline({
      entry: "sited-pipeline.ts",
      files: directorySourceFiles(fileURLToPath(new URL("../../fixtures/dsl", import.meta.url))),
      callSites: true,
    });
    expect(result.diagnostics).toEqual([]);
    const source = readFileSync(fixture, "utf8");
    const sites = result.sites ?? {};
    expect(Object.keys(sites)).toEqual([
      "metadata",
      "spec.templates[0]",
      "spec.templates[0].dag.tasks[0]",
      "spec.templates[0].dag.tasks[1]",
      "spec.templates[1]",
    ]);
    expect(sites.metadata.file).toBe("sited-pipeline.ts");
    expect(textAt(source, sites.metadata)).toMatch(/^workflow\(/);
    expect(textAt(source, sites["spec.templates[0].dag.tasks[1]"])).toMatch(/^task\("b"/);
    expect(textAt(source, sites["spec.templates[1]"])).toMatch(/^container\(/);
  });
});

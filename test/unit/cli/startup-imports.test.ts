import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// `skiff --version`, `skiff build` and `skiff run --local` pay for every module the CLI's entry loads before a
// command runs. The client, the contexts file (zod), the AWS SDK and the compiler load when a command needs them.
const root = fileURLToPath(new URL("../../..", import.meta.url));
const STATIC_IMPORT = /^import\s+(?:[^;]*?\sfrom\s+)?"([^"]+)"/gms;

function staticGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(STATIC_IMPORT)) {
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  visit(resolve(root, entry));
  return { files: [...files], packages: [...packages].sort() };
}

describe("the CLI's start-up", () => {
  it("loads only commander and Node's own modules before a command runs", () => {
    const { packages } = staticGraph("dist/cli/skiff.js");
    expect(packages.length).toBeGreaterThan(0);
    expect(packages.filter((p) => p !== "commander" && !p.startsWith("node:"))).toEqual([]);
  });
});

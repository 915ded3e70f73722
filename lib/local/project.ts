import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LocalStackError } from "./errors";

/**
 * The Skiff checkout this code runs from, found by walking up from this module (it is bundled into dist/ and
 * also run from source by the tests, so a fixed relative path would be wrong in one of the two).
 */
export function projectRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const packageJson = join(dir, "package.json");
    if (
      existsSync(packageJson) &&
      (JSON.parse(readFileSync(packageJson, "utf8")) as { name?: string }).name === "skiff"
    )
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new LocalStackError(`cannot find the skiff project root above ${from}`);
    dir = parent;
  }
}

/** A bundled entry point under dist/, with a clear error when the bundle has not been built. */
export function distEntry(relativePath: string): string {
  const file = join(projectRoot(), "dist", relativePath);
  if (!existsSync(file)) throw new LocalStackError(`${file} is missing; run \`npm run build\` first`);
  return file;
}

/**
 * The project this Skiff serves: the one whose node_modules holds it when it is an installed package (its
 * `.skiff/` is where `skiff start` keeps state and where the CLI finds the stack), else the checkout itself.
 */
export function projectHome(root: string = projectRoot()): { home: string; installed: boolean } {
  const installed = basename(dirname(root)) === "node_modules";
  return { home: installed ? dirname(dirname(root)) : root, installed };
}

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Finds a file of this installation by walking up from this module: it runs from lib/compiler (tests), bundled
 * into dist/cli or dist/bench, or inside another bundle; the project root is wherever `relative` exists.
 */
export function findInstalled(relative: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

import { createHash } from "node:crypto";

/**
 * The content hash of an upload: sha256 over its files in path order (`path NUL text NUL` each), so the
 * CLI (before pushing) and the build function (after compiling) agree on what "identical content" means,
 * and a change in an imported sibling file makes a new version even when the entry file is unchanged.
 */
export function contentHash(files: Record<string, string>): string {
  const hash = createHash("sha256");
  for (const path of Object.keys(files).sort()) {
    hash.update(path, "utf8");
    hash.update("\0");
    hash.update(files[path], "utf8");
    hash.update("\0");
  }
  return `sha256:${hash.digest("hex")}`;
}

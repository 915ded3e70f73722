import { createHash } from "node:crypto";

/**
 * The content hash of an upload: sha256 over its files in path order (`path NUL text NUL` each), so the
 * CLI (before pushing) and the build function (after compiling) agree on what "identical content" means,
 * and a change in an imported sibling file makes a new version even when the entry file is unchanged.
 */
export function contentHash(
  files: Record<string, string>,
  buildParameters: Record<string, string> = {},
): string {
  const hash = createHash("sha256");
  for (const path of Object.keys(files).sort()) {
    hash.update(path, "utf8");
    hash.update("\0");
    hash.update(files[path], "utf8");
    hash.update("\0");
  }
  // Build parameters shape the spec as much as the files do: other values are other content. None adds nothing,
  // so the hash of a push without parameters is what it always was.
  const names = Object.keys(buildParameters).sort();
  if (names.length) {
    hash.update("\0build-parameters\0");
    for (const name of names) hash.update(`${name}\0${buildParameters[name]}\0`, "utf8");
  }
  return `sha256:${hash.digest("hex")}`;
}

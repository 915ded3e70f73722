import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TempDir {
  path: string;
  /** Deletes the directory and everything in it (call it in afterAll, once what writes there has stopped). */
  remove(): void;
}

/**
 * A fresh `skiff-<prefix>-XXXXXX` directory under the OS temp dir, e.g. the work directory of a test's local
 * engine (whose own default, a temp directory kept for inspection, would outlive the test run).
 */
export function tempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `skiff-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

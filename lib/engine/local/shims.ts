import { createHash, randomBytes } from "node:crypto";
import { chmod, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ImageRule } from "./images";

/** Directory names by rule: one hash of its shims per rule object. */
const dirNames = new WeakMap<ImageRule, string>();

/** Shim directories already written, by the promise that wrote them: steps after the first need not wait. */
const writtenShims = new WeakMap<Promise<string>, string>();

/**
 * A rule's shim directory is named by a hash of its shims, so that engines with other rules (or other versions of
 * the same rule) never write different scripts under one name.
 */
function dirName(rule: ImageRule, shims: Record<string, string>): string {
  let name = dirNames.get(rule);
  if (name === undefined) {
    const text = JSON.stringify(Object.entries(shims).sort(([a], [b]) => a.localeCompare(b)));
    name = createHash("sha256").update(text).digest("hex").slice(0, 16);
    dirNames.set(rule, name);
  }
  return name;
}

/**
 * Writes one shim so that no process ever sees it half written: engines in other processes (parallel
 * `skiff run --local` in one project) share the shim directory and may be executing the file this one replaces.
 * Writing it in place failed them with ETXTBSY; a rename swaps the name to a complete file atomically.
 */
async function writeShim(file: string, body: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temp, `#!/bin/sh\n${body}\n`);
    await chmod(temp, 0o755);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * The directory holding a rule's shims, written once per engine (`written` is the engine's, so that a work
 * directory removed by close() is written again by the next engine) instead of checking the disk for every step.
 * Undefined when the rule has no shims. Resolves with the directory; `ready` tells when it is known written.
 */
export function shimDirFor(
  root: string,
  rule: ImageRule,
  written: Map<string, Promise<string>>,
): Promise<string> | undefined {
  const shims = rule.shims;
  if (!shims || Object.keys(shims).length === 0) return undefined;
  const dir = join(root, dirName(rule, shims));
  const known = written.get(dir);
  if (known) return known;
  const ready = (async () => {
    await mkdir(dir, { recursive: true });
    for (const [name, body] of Object.entries(shims)) await writeShim(join(dir, name), body);
    return dir;
  })();
  written.set(dir, ready);
  // A failed write is retried by the next step.
  ready.then(
    (done) => writtenShims.set(ready, done),
    () => written.delete(dir),
  );
  return ready;
}

/** The directory a shim promise wrote, when it is already written (no await needed). */
export function writtenShimDir(ready: Promise<string>): string | undefined {
  return writtenShims.get(ready);
}

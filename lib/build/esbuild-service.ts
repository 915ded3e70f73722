// esbuild's API and its service process, as the compiler uses them.
import { createRequire } from "node:module";

type Esbuild = typeof import("esbuild");

/**
 * Go's collector pace for esbuild's service, unless the environment sets one: at Go's default (100) the
 * service's small heap is collected several times per transform; at 400 a 500-task pipeline's transform
 * took 25-30% less time (paired runs), for a heap that may grow to 5× what is live (a few tens of MB).
 */
const ESBUILD_GOGC = "400";

let started = false;

/**
 * esbuild, loaded with `require` (importing it as ESM first runs Node's CommonJS export scanner over its
 * 95 KB entry, on a whole-process build's critical path), its service started on first use.
 */
export function esbuild(): Esbuild {
  const api = loadEsbuild();
  if (!started) {
    started = true;
    startService(api);
  }
  return api;
}

/**
 * esbuild's API: through bin/skiff.js's loader when there is one (it compiles esbuild with the code cache
 * `npm run build` writes, and leaves it in the require cache), else a plain `require`.
 */
function loadEsbuild(): Esbuild {
  const require = createRequire(import.meta.url);
  const loader = (globalThis as Record<symbol, unknown>)[LOADER];
  if (typeof loader === "function" && !started) return loader(require.resolve("esbuild")) as Esbuild;
  return require("esbuild") as Esbuild;
}

const LOADER = Symbol.for("skiff.loadEsbuild");

/** Starts esbuild's service process now (it otherwise starts on the first bundle), without waiting. */
export function startEsbuild(): void {
  try {
    esbuild();
  } catch {
    // Not installed: the build reports it.
  }
}

// The service inherits this process's environment when it starts (synchronously, inside `initialize`):
// GOGC is set for that moment only, so that nothing else this process starts inherits it.
function startService(api: Esbuild): void {
  const own = process.env.GOGC;
  if (own === undefined) process.env.GOGC = ESBUILD_GOGC;
  try {
    api.initialize({}).catch(() => undefined);
  } catch {
    // Already started by another caller of esbuild in this process: that service is used as it is.
  } finally {
    if (own === undefined) delete process.env.GOGC;
  }
}

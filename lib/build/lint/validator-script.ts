// Argo's schema validator (0.7 MB of generated code) as the bundled compiler loads it: a script in
// dist/build with V8's code cache, both written by `npm run build`. Compiling the module cost a cold
// `skiff build` about 15 ms and its first validation 5 ms more; with the cache, 5 and 2. A cache V8
// rejects (another Node version, other V8 flags) is ignored and the script compiles as usual.
import { readFileSync } from "node:fs";
import vm from "node:vm";
import { findInstalled } from "../install-paths";

/**
 * Install-relative paths of the script (the generated module as CommonJS, wrapped in a function of
 * `module` by scripts/build.mjs) and its code cache.
 */
export const VALIDATOR_SCRIPT = "dist/build/argo-validate.js";
export const VALIDATOR_CACHE = "dist/build/argo-validate.cache";

/** Compiles and runs the script (with the cache when there is one); its exports and the compiled script. */
export function runValidatorScript(
  file: string,
  cacheFile: string | undefined,
): { exports: Record<string, unknown>; script: vm.Script } {
  let cachedData: Buffer | undefined;
  try {
    cachedData = cacheFile === undefined ? undefined : readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(readFileSync(file, "utf8"), { filename: file, cachedData });
  const module: { exports: Record<string, unknown> } = { exports: {} };
  (script.runInThisContext() as (module: { exports: Record<string, unknown> }) => void)(module);
  return { exports: module.exports, script };
}

/** The installed validators (the bundled compiler's stand-in for the generated module). */
export function installedValidators(): Record<string, unknown> {
  const file = findInstalled(VALIDATOR_SCRIPT);
  if (!file)
    throw new Error(`Argo's schema validator (${VALIDATOR_SCRIPT}) is missing: run \`npm run build\``);
  return runValidatorScript(file, findInstalled(VALIDATOR_CACHE)).exports;
}

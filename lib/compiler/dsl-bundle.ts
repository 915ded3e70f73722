// The script each build's isolate runs before the pipeline (the prelude, the DSL and the harness:
// ./sandbox/isolate-script.ts), as `npm run build` bundles it into dist/sandbox/isolate.js.
import { readFile } from "node:fs/promises";
import { BuildError } from "./diagnostics";
import { findInstalled } from "./install-paths";

/** The isolate's script: the DSL the pipeline imports as `skiff`, and the harness that runs it. */
export interface DslBundle {
  code: string;
}

/** Install-relative path of the script; scripts/build.mjs writes it. */
export const ISOLATE_SCRIPT = "dist/sandbox/isolate.js";

let loaded: Promise<DslBundle> | undefined;

/** The isolate's script of this installation, read once per process. */
export function bundleDsl(): Promise<DslBundle> {
  loaded ??= (async () => {
    const file = findInstalled(ISOLATE_SCRIPT);
    if (!file)
      throw new BuildError(`the sandbox's script (${ISOLATE_SCRIPT}) is missing: run \`npm run build\``);
    return { code: await readFile(file, "utf8") };
  })();
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}

/** The DSL entry of this installation's sources (the type check reads it). */
export function defaultDslEntry(): string {
  const found = findInstalled("lib/dsl/index.ts");
  if (!found)
    throw new BuildError("the DSL sources (lib/dsl/index.ts) are not installed beside the compiler");
  return found;
}

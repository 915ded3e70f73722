// The DSL as one script for the sandbox: bundled once per process from lib/dsl, or read prebuilt from
// dist/ when the compiler itself runs bundled (scripts/build.mjs writes both in the same run).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { BuildError } from "./diagnostics";
import { esbuild } from "./esbuild-service";
import { findInstalled } from "./install-paths";
import { harnessSource } from "./sandbox/harness";

/** The DSL, as a script that defines `globalThis.__skiffDsl`, and the build harness that runs pipelines with it. */
export interface DslBundle {
  /** Content hash: the worker compiles each DSL version once and reuses it. */
  key: string;
  code: string;
}

export const DSL_GLOBAL = "__skiffDsl";

/**
 * Where the bundled compiler finds its prebuilt DSL (install-relative, dist/build/sandbox/dsl.json): a
 * constant scripts/build.mjs defines. Undefined when the compiler runs from source, which then bundles the
 * DSL it sees in lib/dsl (a prebuilt one could be stale there).
 */
declare const SKIFF_PREBUILT_DSL: string | undefined;

// Intrinsics the DSL reads, bound as parameters of a wrapper function: in a vm context every global
// lookup goes through Node's interceptors on the contextified global (~0.5 µs each, measured), which made
// up a large share of evaluating a 500-task pipeline. A pipeline replacing a global cannot affect the DSL.
const BOUND_INTRINSICS = [
  "Object",
  "Array",
  "Error",
  "JSON",
  "Map",
  "Set",
  "WeakMap",
  "WeakSet",
  "String",
  "Number",
  "Boolean",
  "Symbol",
  "RegExp",
  "Math",
  "Promise",
  "Reflect",
  "TypeError",
  "RangeError",
];

/** Wraps the DSL's IIFE so that it sees the intrinsics as locals and still defines the global. */
export function bindIntrinsics(code: string, globalName: string): string {
  const names = BOUND_INTRINSICS.join(", ");
  return `(function (${names}) {\n${code}\nglobalThis.${globalName} = ${globalName};\n})(${names});\n`;
}

/** The DSL entry of this installation, from the source tree or next to the bundled CLI. */
export function defaultDslEntry(): string {
  const found = findInstalled("lib/dsl/index.ts");
  if (!found)
    throw new BuildError("the DSL sources (lib/dsl/index.ts) are not installed beside the compiler");
  return found;
}

/** Bundles the DSL at `dslEntry` with esbuild. */
export async function bundleDslFromSource(dslEntry: string): Promise<DslBundle> {
  const { build } = esbuild();
  const result = await build({
    entryPoints: [dslEntry],
    bundle: true,
    write: false,
    format: "iife",
    globalName: DSL_GLOBAL,
    platform: "neutral",
    mainFields: ["module", "main"],
    target: "es2022",
    logLevel: "silent",
    charset: "utf8",
  });
  const code = bindIntrinsics(result.outputFiles[0]?.text ?? "", DSL_GLOBAL) + harnessSource(DSL_GLOBAL);
  return { key: createHash("sha256").update(code).digest("hex").slice(0, 16), code };
}

/** The prebuilt DSL of a bundled compiler, when this is one and the file is there and well-formed. */
export function prebuiltDsl(): DslBundle | undefined {
  if (typeof SKIFF_PREBUILT_DSL !== "string") return undefined;
  const file = findInstalled(SKIFF_PREBUILT_DSL);
  if (!file) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<DslBundle>;
    if (typeof parsed.key === "string" && typeof parsed.code === "string") {
      return { key: parsed.key, code: parsed.code };
    }
  } catch {
    // Unreadable: bundle from source instead.
  }
  return undefined;
}

const dslBundles = new Map<string, Promise<DslBundle>>();

/**
 * The DSL as one script, once per process: pipelines then bundle only their own files, and the warm
 * worker compiles the DSL once. Without `dslEntry`, this installation's DSL (prebuilt when the compiler
 * runs from dist/, so a whole-process build does not bundle it).
 */
export function bundleDsl(dslEntry?: string): Promise<DslBundle> {
  const key = dslEntry ?? "";
  let bundle = dslBundles.get(key);
  if (!bundle) {
    bundle = (async () => {
      const prebuilt = dslEntry === undefined ? prebuiltDsl() : undefined;
      const entry = dslEntry ?? defaultDslEntry();
      try {
        return prebuilt ?? (await bundleDslFromSource(entry));
      } catch (cause) {
        throw new BuildError(`bundling the DSL (${entry}) failed`, { cause });
      }
    })();
    bundle.catch(() => dslBundles.delete(key));
    dslBundles.set(key, bundle);
  }
  return bundle;
}

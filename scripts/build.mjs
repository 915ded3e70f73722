// Bundles every `lib/**/*.main.ts` entry point into dist/ (same relative path, `.main` dropped) and every
// `bench/**/*.bench.ts` into dist/bench/, so the CLI, the sandbox worker and the benchmarks start as plain
// Node programs without a TS loader.
import { execFileSync } from "node:child_process";
import { readdirSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
// Install-relative; lib/build/dsl-bundle.ts names the same path.
const PREBUILT_DSL = "dist/build/sandbox/dsl.json";

function entries(dir, suffix) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...entries(full, suffix));
    else if (name.endsWith(suffix)) found.push(full);
  }
  return found;
}

const entryPoints = Object.fromEntries([
  ...entries(join(root, "lib"), ".main.ts").map((file) => [
    relative(join(root, "lib"), file).replace(/\.main\.ts$/, ""),
    file,
  ]),
  ...entries(join(root, "bench"), ".bench.ts").map((file) => [
    join("bench", relative(join(root, "bench"), file).replace(/\.bench\.ts$/, "")),
    file,
  ]),
]);

// Benchmarks are run by walking dist/bench: drop ones whose sources are gone.
rmSync(join(root, "dist", "bench"), { recursive: true, force: true });

const common = {
  outdir: join(root, "dist"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
  alias: { skiff: join(root, "lib/dsl/index.ts") },
  // The bundled compiler reads the DSL prebuilt below instead of bundling it on every start.
  define: { SKIFF_PREBUILT_DSL: JSON.stringify(PREBUILT_DSL) },
  banner: {
    js: "import { createRequire as __skiffRequire } from 'node:module'; const require = __skiffRequire(import.meta.url);",
  },
};

// Programs that must stay one self-contained file (the sandbox worker runs with fs reads restricted).
const standalone = (key) => key.includes("sandbox/");
const split = Object.fromEntries(Object.entries(entryPoints).filter(([key]) => !standalone(key)));
const single = Object.fromEntries(Object.entries(entryPoints).filter(([key]) => standalone(key)));

rmSync(join(root, "dist", "chunks"), { recursive: true, force: true });
await Promise.all([
  // Code splitting lets each command load its heavy modules (engine, SDKs) only when it runs.
  build({ ...common, entryPoints: split, splitting: true, chunkNames: "chunks/[name]-[hash]" }),
  // Packages bundled in: the worker runs from --eval text and may read no file.
  // Minified: the worker's start-up parses it on the build's path.
  build({ ...common, entryPoints: single, packages: undefined, minify: true }),
]);

// Written by the compiler's own DSL bundling, so the prebuilt DSL is byte-identical to a runtime one.
execFileSync(process.execPath, [join(root, "dist", "build", "dsl-prebuild.js"), join(root, PREBUILT_DSL)], {
  stdio: "inherit",
});

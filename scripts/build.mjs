// Bundles the programs that run from dist/, from the sources as they read:
// - every `lib/**/*.main.ts` entry point into dist/ (same relative path, `.main` dropped) and every
//   `bench/**/*.bench.ts` into dist/bench/, as ES modules that load their packages from node_modules;
// - the package's two entries (package.json "exports"): the DSL as dist/dsl/index.js (`skiff`) and the client
//   as dist/client/index.js (`skiff/client`), ES modules that import their packages;
// - the script each build's sandbox isolate runs (the prelude, the DSL and the harness:
//   lib/compiler/sandbox/isolate-script.ts) into dist/sandbox/isolate.js, one self-contained IIFE;
// - the declarations of both entries into dist/types/, which editors, `tsc` and the type check of a pipeline
//   read (./build-dts.mjs);
// - the dashboard (lib/dashboard, a browser app) into dist/dashboard/: index.html, assets/app.js and
//   assets/app.css, minified, without source maps (the package ships dist/).
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { buildDeclarations } from "./build-dts.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

function entries(dir, suffix) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...entries(full, suffix));
    else if (name.endsWith(suffix)) found.push(full);
  }
  return found;
}

const programs = Object.fromEntries([
  ...entries(join(root, "lib"), ".main.ts").map((file) => [
    relative(join(root, "lib"), file).replace(/\.main\.ts$/, ""),
    file,
  ]),
  ...entries(join(root, "bench"), ".bench.ts").map((file) => [
    join("bench", relative(join(root, "bench"), file).replace(/\.bench\.ts$/, "")),
    file,
  ]),
]);

// Start from an empty dist/: nothing of an earlier layout may linger and be run.
rmSync(join(root, "dist"), { recursive: true, force: true });

await Promise.all([
  build({
    entryPoints: programs,
    outdir: join(root, "dist"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    packages: "external",
    sourcemap: "linked",
    logLevel: "warning",
    alias: { skiff: join(root, "lib/dsl/index.ts") },
    // Code splitting lets each command load its heavy modules (engine, SDKs) only when it runs.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    banner: {
      js: "import { createRequire as __skiffRequire } from 'node:module'; const require = __skiffRequire(import.meta.url);",
    },
  }),
  // What users import. Built apart from the programs: no `require` shim, and no chunk shared with the CLI, so
  // that `import "skiff"` loads the DSL's own code and nothing else.
  build({
    entryPoints: {
      "dsl/index": join(root, "lib/dsl/index.ts"),
      "client/index": join(root, "lib/client/index.ts"),
    },
    outdir: join(root, "dist"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    packages: "external",
    sourcemap: "linked",
    logLevel: "warning",
    splitting: true,
    chunkNames: "entries/[name]-[hash]",
  }),
  // Runs inside an isolate, which has no module loader: one script, no imports left.
  build({
    entryPoints: [join(root, "lib/compiler/sandbox/isolate-script.ts")],
    outfile: join(root, "dist/sandbox/isolate.js"),
    bundle: true,
    format: "iife",
    platform: "neutral",
    mainFields: ["module", "main"],
    target: "es2022",
    charset: "utf8",
    logLevel: "warning",
  }),
  buildDeclarations(),
  build({
    entryPoints: [
      { in: join(root, "lib/dashboard/main.tsx"), out: "app" },
      { in: join(root, "lib/dashboard/styles.css"), out: "app" },
    ],
    outdir: join(root, "dist/dashboard/assets"),
    bundle: true,
    format: "esm",
    platform: "browser",
    // Current Chromium and Firefox (the browsers); nothing older is supported.
    target: ["chrome120", "firefox120"],
    jsx: "automatic",
    jsxImportSource: "preact",
    minify: true,
    sourcemap: false,
    legalComments: "none",
    logLevel: "warning",
  }).then(() => {
    mkdirSync(join(root, "dist/dashboard"), { recursive: true });
    copyFileSync(join(root, "lib/dashboard/index.html"), join(root, "dist/dashboard/index.html"));
  }),
]);

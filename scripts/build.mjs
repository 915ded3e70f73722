// Bundles the programs that run from dist/, from the sources as they read:
// - every `lib/**/*.main.ts` entry point into dist/ (same relative path, `.main` dropped) and every
//   `bench/**/*.bench.ts` into dist/bench/, as ES modules that load their packages from node_modules (commander
//   aside, bundled in);
// - the package's two entries (package.json "exports"): the DSL as dist/dsl/index.js (`skiff`) and the client
//   as dist/client/index.js (`skiff/client`), ES modules that import their packages;
// - the script each build's sandbox isolate runs (the prelude, the DSL and the harness:
//   lib/compiler/sandbox/isolate-script.ts) into dist/sandbox/isolate.js, one self-contained IIFE;
// - the declarations of both entries into dist/types/, which editors, `tsc` and the type check of a pipeline
//   read (./build-dts.mjs);
// - the dashboard (lib/dashboard, a browser app) into dist/dashboard/: index.html, assets/app.js and
//   assets/app.css, minified, without source maps (the package ships dist/);
// - the licence of every package bundled into any of these, into dist/licenses/.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
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

// The programs load their packages from node_modules, except these, bundled in: commander, which every CLI
// command loads first (bundled, a command starts ~10 ms sooner than through Node's CommonJS loader:
// BENCHMARKS.md). A bundled package is a devDependency, and its licence is copied to dist/licenses/.
const BUNDLED = ["commander"];
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const external = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })
  .filter((name) => !BUNDLED.includes(name))
  .flatMap((name) => [name, `${name}/*`]);

// Start from an empty dist/: nothing of an earlier layout may linger and be run.
rmSync(join(root, "dist"), { recursive: true, force: true });

const built = await Promise.all([
  build({
    entryPoints: programs,
    outdir: join(root, "dist"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    external,
    metafile: true,
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
    metafile: true,
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
    metafile: true,
    logLevel: "warning",
  }).then((result) => {
    mkdirSync(join(root, "dist/dashboard"), { recursive: true });
    copyFileSync(join(root, "lib/dashboard/index.html"), join(root, "dist/dashboard/index.html"));
    return result;
  }),
]);

// Every package whose code went into dist/ (the builds' inputs under node_modules) has its licence beside it.
const bundled = new Set();
for (const result of built) {
  for (const input of Object.keys(result?.metafile?.inputs ?? {})) {
    const name = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
    if (name) bundled.add(name);
  }
}
mkdirSync(join(root, "dist/licenses"), { recursive: true });
for (const name of [...bundled].sort()) {
  const dir = join(root, "node_modules", name);
  const licence = readdirSync(dir).find((file) => /^(licen[cs]e|copying)/i.test(file));
  if (!licence) throw new Error(`${name} is bundled into dist/ but has no licence file to ship with it`);
  copyFileSync(join(dir, licence), join(root, "dist/licenses", `${name.replace("/", "+")}.txt`));
}

// Bundles every `lib/**/*.main.ts` entry point into dist/ (same relative path, `.main` dropped) and every
// `bench/**/*.bench.ts` into dist/bench/, so the CLI, the sandbox worker and the benchmarks start as plain
// Node programs without a TS loader.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
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
// Programs whose start is on the path of a whole-process build, bundled as CommonJS (.cjs): a CommonJS main
// module spares Node 20 its ES module loader (~15 ms of start-up, measured), and a single file spares
// resolving and reading chunks. The same modules are in the ES chunks for the other commands.
const commonJs = (key) => key === "build/cli";
const pick = (test) => Object.fromEntries(Object.entries(entryPoints).filter(([key]) => test(key)));
const split = pick((key) => !standalone(key) && !commonJs(key));

// The bundled compiler loads Argo's schema validator from a script with V8's code cache (written below)
// instead of bundling the generated module.
const installedValidator = {
  name: "installed-validator",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /\/argo-validate\.generated$/ }, () => ({
      path: join(root, "lib/build/lint/argo-validate.installed.ts"),
    }));
  },
};

// The compiler's program shares one module with bin/skiff.js, which starts the sandbox worker with it before
// it loads the program: the program requires it from beside itself instead of bundling a copy.
const WORKER_PROCESS = "lib/build/sandbox/worker-process.ts";
const sharedWorkerProcess = {
  name: "shared-worker-process",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /\/worker-process$/ }, () => ({
      path: "./sandbox/worker-process.cjs",
      external: true,
    }));
  },
};

// `import.meta.url` has no CommonJS counterpart in esbuild: each file defines it from its own path.
const commonJsOutput = {
  format: "cjs",
  outExtension: { ".js": ".cjs" },
  define: { ...common.define, "import.meta.url": "__skiffModuleUrl" },
  banner: { js: 'const __skiffModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  // `import()` of an outside module becomes `require`: bin/skiff.js compiles the program as a script (for
  // its code cache), where `import()` has no module loader to call.
  supported: { "dynamic-import": false },
};

rmSync(join(root, "dist", "chunks"), { recursive: true, force: true });
await Promise.all([
  // Code splitting lets each command load its heavy modules (engine, SDKs) only when it runs.
  build({
    ...common,
    entryPoints: split,
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    plugins: [installedValidator],
  }),
  // Packages bundled in too (but esbuild, which refuses to be, and TypeScript, only for --typecheck): the
  // code cache below then covers them.
  build({
    ...common,
    ...commonJsOutput,
    entryPoints: pick(commonJs),
    packages: undefined,
    external: ["esbuild", "typescript"],
    plugins: [installedValidator, sharedWorkerProcess],
  }),
  build({
    ...common,
    ...commonJsOutput,
    entryPoints: { "build/sandbox/worker-process": join(root, WORKER_PROCESS) },
  }),
  // Packages bundled in: the worker runs from --eval text and may read no file. CommonJS: --eval text
  // starts without the ES module loader too. Minified: the worker's start-up parses it on the build's path.
  build({
    ...common,
    entryPoints: pick(standalone),
    format: "cjs",
    outExtension: { ".js": ".cjs" },
    banner: undefined,
    packages: undefined,
    minify: true,
  }),
]);

// Argo's schema validator as a script, and V8's code cache for it, made by a plain `node` as the CLI runs.
const validator = await build({
  entryPoints: [join(root, "lib/build/lint/argo-validate.generated.ts")],
  bundle: false,
  write: false,
  format: "cjs",
  platform: "node",
  target: "node20",
  logLevel: "warning",
});
const VALIDATOR_SCRIPT = join(root, "dist/build/argo-validate.js");
writeFileSync(VALIDATOR_SCRIPT, `(function (module) {\n${validator.outputFiles[0].text}\n})`);
execFileSync(
  process.execPath,
  [
    join(root, "dist/build/lint/validator-cache.js"),
    VALIDATOR_SCRIPT,
    join(root, "dist/build/argo-validate.cache"),
  ],
  { stdio: "inherit" },
);

// Written by the compiler's own DSL bundling, so the prebuilt DSL is byte-identical to a runtime one.
execFileSync(process.execPath, [join(root, "dist", "build", "dsl-prebuild.js"), join(root, PREBUILT_DSL)], {
  stdio: "inherit",
});

// V8's code caches of the compiler's program and esbuild's API (bin/skiff.js loads them), and of the sandbox
// worker's program and the DSL (the build's Sandbox sends them to its worker, which makes them on request),
// written at the end of a real build of an example, so that they hold the functions a build runs. Only a
// head start: without them the CLI and the worker compile their code as usual, so a failure here is a
// warning.
const codeCaches = join(root, "dist/build/code-cache");
rmSync(codeCaches, { recursive: true, force: true });
mkdirSync(codeCaches, { recursive: true });
try {
  // Each build writes the caches of what it loaded. ts-step goes through esbuild (its tsStep functions
  // are shipped as esbuild prints them), etl through the in-process fast path, which never loads esbuild:
  // esbuild's cache comes from the first, every other from the second.
  for (const example of ["ts-step", "etl"]) {
    execFileSync(
      process.execPath,
      [join(root, "bin/skiff.js"), "build", join(root, `examples/${example}/pipeline.ts`), "--no-typecheck"],
      { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, SKIFF_WRITE_CODE_CACHE: "1" } },
    );
  }
} catch (error) {
  process.stderr.write(`warning: no code cache for the CLI (it works without): ${error.stderr ?? error}\n`);
}
await (await import("./build-dts.mjs")).buildDeclarations(); // the DSL's declarations, for the type check

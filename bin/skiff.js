#!/bin/sh
":" /*
# A POSIX sh prologue (JavaScript sees a string and this comment): `build` and `lint` open no TLS connection,
# so Node need not parse the certificates NODE_EXTRA_CA_CERTS names before it starts (60-90 ms on a machine
# that points it at the system bundle). Every other command keeps the variable. Biome does not format this
# file (biome.json): its formatter would split the first line, which the shell must read as one command.
case "$1" in build | lint) unset NODE_EXTRA_CA_CERTS ;; esac
exec node "$0" "$@"
*/;
// Thin launcher: the CLI is bundled to dist/ by `npm run build` (run automatically by `npm install`).
// CommonJS (bin/package.json): `build` and `lint` go to the compiler's own program, a CommonJS bundle, so a
// whole-process build never starts Node's ES module loader (~15 ms on Node 20). Every other command, and
// `--version` (a whole-program option), goes to the whole program (ES modules).
// node:fs and node:path first: Node's own module loader has loaded them already, so they cost nothing.
const { existsSync, readFileSync, writeFileSync } = require("node:fs");
const { dirname, join } = require("node:path");

const dist = join(__dirname, "..", "dist");
const [command, ...rest] = process.argv.slice(2);
const compilerOnly =
  (command === "build" || command === "lint") && !rest.some((arg) => arg === "-V" || arg === "--version");
const entry = join(dist, compilerOnly ? "build/cli.cjs" : "cli/skiff.js");
if (!existsSync(entry)) {
  process.stderr.write("skiff: dist/ is missing; run `npm install` (or `npm run build`) first\n");
  process.exit(2);
}
// The sandbox worker's module: it starts the worker, and it knows the code cache files' format (the same for
// the worker's, the DSL's and the two below).
let workerProcess;
if (compilerOnly) {
  // The sandbox worker before this launcher loads anything else (node:crypto alone takes ~5 ms): its Node
  // start-up is the longest step of a build, and it overlaps the rest of this process's loading. The
  // program's sandbox takes it over (the same module, from its dist/).
  const compiles = command === "build" || (command === "lint" && rest.some((arg) => /\.m?ts$/.test(arg)));
  const sandbox = join(dist, "build", "sandbox");
  workerProcess = require(join(sandbox, "worker-process.cjs"));
  if (compiles && !rest.some((arg) => arg === "-h" || arg === "--help")) {
    workerProcess.startEarlyWorker(join(sandbox, "worker.cjs"));
  }
}

const Module = require("node:module");
const { pathToFileURL } = require("node:url");
const vm = require("node:vm");

// V8's code caches of the compiler's program and of esbuild's JavaScript API, written by `npm run build`
// after one build (so they hold the functions a build runs, not only the top level): a build then starts
// without compiling either. V8 checks its own version and flags; the source's digest up front guards
// against a stale file, which V8 would only notice by its length.
const codeCacheOf = (name) => join(dist, "build", "code-cache", `${name}.cache`);

/** `require(file)`, compiled with its code cache when there is a valid one. */
function requireWithCodeCache(file, cacheFile) {
  const source = readFileSync(file, "utf8");
  const { codeCacheFile, readCodeCache, writingCodeCaches } = workerProcess;
  const cachedData = readCodeCache(cacheFile, source);
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (writingCodeCaches()) {
    process.once("exit", () => writeFileSync(cacheFile, codeCacheFile(source, script.createCachedData())));
  }
  const module = new Module(file, null);
  module.filename = file;
  require.cache[file] = module;
  try {
    const run = script.runInThisContext();
    run.call(module.exports, module.exports, Module.createRequire(file), module, file, dirname(file));
  } catch (error) {
    delete require.cache[file];
    throw error;
  }
  module.loaded = true;
  return module.exports;
}

if (compilerOnly) {
  // esbuild loads only when a build needs it (a one-file pipeline is transpiled in process without it):
  // the program calls this with esbuild's resolved path (lib/build/esbuild-service.ts).
  globalThis[Symbol.for("skiff.loadEsbuild")] = (file) => requireWithCodeCache(file, codeCacheOf("esbuild"));
  requireWithCodeCache(entry, codeCacheOf("cli"));
} else {
  import(pathToFileURL(entry).href);
}

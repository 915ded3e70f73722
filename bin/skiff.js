#!/usr/bin/env node
// Thin launcher: the CLI is bundled to dist/ by `npm run build` (run automatically by `npm install`).
// CommonJS (bin/package.json): `build` and `lint` go to the compiler's own program, a CommonJS bundle, so a
// whole-process build never starts Node's ES module loader (~15 ms on Node 20). Every other command, and
// `--version` (a whole-program option), goes to the whole program (ES modules).
const { createHash } = require("node:crypto");
const { existsSync, readFileSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { dirname, join } = require("node:path");
const { pathToFileURL } = require("node:url");
const vm = require("node:vm");

// V8's code cache of the compiler's program, written by `npm run build` after one build (so it holds the
// functions a build runs, not only the top level): the program then starts without compiling its code.
// V8 checks its own version and flags; the source's digest up front guards against a stale file, which
// V8 would only notice by its length.
const CODE_CACHE_SUFFIX = ".cache";
const DIGEST_BYTES = 20;
// Set by scripts/build.mjs only: write the code cache to this path when the process exits.
const WRITE_CODE_CACHE = "SKIFF_WRITE_CODE_CACHE";

/** Runs a CommonJS file as `require` would, compiled with its code cache when there is a valid one. */
function runWithCodeCache(file) {
  const source = readFileSync(file, "utf8");
  const digest = createHash("sha1").update(source).digest();
  const writeTo = process.env[WRITE_CODE_CACHE];
  let cachedData;
  if (!writeTo) {
    try {
      const cache = readFileSync(file + CODE_CACHE_SUFFIX);
      if (digest.equals(cache.subarray(0, DIGEST_BYTES))) cachedData = cache.subarray(DIGEST_BYTES);
    } catch {
      // No cache: compile as usual.
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (writeTo) {
    process.once("exit", () => writeFileSync(writeTo, Buffer.concat([digest, script.createCachedData()])));
  }
  const module = { exports: {}, filename: file };
  const run = script.runInThisContext();
  run.call(module.exports, module.exports, Module.createRequire(file), module, file, dirname(file));
}

const [command, ...rest] = process.argv.slice(2);
const compilerOnly =
  (command === "build" || command === "lint") && !rest.some((arg) => arg === "-V" || arg === "--version");
const entry = join(__dirname, "..", "dist", compilerOnly ? "build/cli.cjs" : "cli/skiff.js");
if (!existsSync(entry)) {
  process.stderr.write("skiff: dist/ is missing; run `npm install` (or `npm run build`) first\n");
  process.exit(2);
}
if (compilerOnly) runWithCodeCache(entry);
else import(pathToFileURL(entry).href);

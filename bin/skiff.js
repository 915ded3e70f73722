#!/usr/bin/env node
// Thin launcher: the CLI is bundled to dist/ by `npm run build` (run automatically by `npm install`).
// CommonJS (bin/package.json): `build` and `lint` go to the compiler's own program, a CommonJS bundle, so a
// whole-process build never starts Node's ES module loader (~15 ms on Node 20). Every other command, and
// `--version` (a whole-program option), goes to the whole program (ES modules).
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");

const [command, ...rest] = process.argv.slice(2);
const compilerOnly =
  (command === "build" || command === "lint") && !rest.some((arg) => arg === "-V" || arg === "--version");
const entry = join(__dirname, "..", "dist", compilerOnly ? "build/cli.cjs" : "cli/skiff.js");
if (!existsSync(entry)) {
  process.stderr.write("skiff: dist/ is missing; run `npm install` (or `npm run build`) first\n");
  process.exit(2);
}
if (compilerOnly) require(entry);
else import(pathToFileURL(entry).href);

#!/usr/bin/env node
// The `skiff` command: the CLI is bundled to dist/ by `npm run build` (run by `npm install` in a checkout; an
// installed package ships it built).
import { existsSync, readFileSync } from "node:fs";
import module from "node:module";

// The sandbox's native addon and the CLI need the Node that package.json's engines names; an older one would
// fail later with a loader error that does not say why.
const engines = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).engines?.node;
const required = /^>=(\d+)\.(\d+)/.exec(engines ?? "");
const [major, minor] = process.versions.node.split(".").map(Number);
if (
  required &&
  (major < Number(required[1]) || (major === Number(required[1]) && minor < Number(required[2])))
) {
  process.stderr.write(`skiff: needs Node.js ${engines}; this is ${process.version} (${process.execPath})\n`);
  process.exit(2);
}

const entry = new URL("../dist/cli/skiff.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("skiff: dist/ is missing; run `npm install` (or `npm run build`) first\n");
  process.exit(2);
}
// Node keeps the compiled code of the CLI's modules on disk between runs.
module.enableCompileCache?.();
await import(entry.href);

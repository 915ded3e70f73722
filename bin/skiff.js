#!/usr/bin/env node
// The `skiff` command: the CLI is bundled to dist/ by `npm run build` (run by `npm install`).
import { existsSync } from "node:fs";
import module from "node:module";

const entry = new URL("../dist/cli/skiff.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("skiff: dist/ is missing; run `npm install` (or `npm run build`) first\n");
  process.exit(2);
}
// Node keeps the compiled code of the CLI's modules on disk between runs.
module.enableCompileCache?.();
await import(entry.href);

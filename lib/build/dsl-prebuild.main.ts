// Run by scripts/build.mjs after bundling: writes the DSL bundle the bundled compiler ships with
// (dist/build/sandbox/dsl.json), so that a whole-process build does not bundle the DSL itself.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { bundleDslFromSource, defaultDslEntry } from "./dsl-bundle";

const out = process.argv[2];
if (!out) throw new Error("usage: dsl-prebuild <output.json>");
const dsl = await bundleDslFromSource(defaultDslEntry());
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(dsl));

// Run by scripts/build.mjs (a plain `node`, as the CLI runs): compiles dist/build/argo-validate.js,
// validates sample manifests so that V8 compiles the functions a real validation calls, and writes the
// code cache beside it. Usage: validator-cache <script.js> <cache>
import { writeFileSync } from "node:fs";
import { sampleManifest } from "../warm-up";
import { runValidatorScript } from "./validator-script";

const [file, cacheFile] = process.argv.slice(2);
if (!file || !cacheFile) throw new Error("usage: validator-cache <script.js> <cache>");
const { exports, script } = runValidatorScript(file, undefined);
const validate = exports.Workflow as (manifest: unknown) => boolean;
validate(sampleManifest());
// An invalid one too: the error paths are part of what a build may need.
validate({ ...sampleManifest(), spec: { entrypoint: 1, templates: [{ name: "x", dag: { tasks: [{}] } }] } });
writeFileSync(cacheFile, script.createCachedData());

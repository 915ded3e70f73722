// The build harness: plain JavaScript appended to the DSL script (with the seal after it, ./seal.ts), so
// the worker compiles it once with the DSL. It loads the pipeline (a CommonJS function the bundler wraps in
// `__skiffPipeline.load`, run in the build's own context and handed over with `bind`), calls a default
// export that is a function with the build parameters, and renders the manifest. It runs inside the
// DSL's vm context, so it may use nothing from the host; its only output is one JSON string. Its frames
// are named like the DSL's, so call-site lookups skip them.
import { sealSource } from "./seal";

/** The global the pipeline script assigns: `{ entry, load(module, exports, require) }`. */
export const PIPELINE_GLOBAL = "__skiffPipeline";
/**
 * The global the harness assigns, read by the sandbox worker: `{ bind(pipeline), evaluateBound(parametersJson,
 * withSites), seal() }` (./seal.ts).
 */
export const HARNESS_GLOBAL = "__skiffBundle";

/** The harness's source, reading the DSL from the global `dslGlobal` the DSL script assigns. */
export const harnessSource = (dslGlobal: string): string => `
;(function (dsl, Object, JSON, String, Number, Array, Error) {
  function describe(error, code) {
    if (error === null || typeof error !== "object") {
      return { code, name: "Error", message: "threw a non-error value: " + String(error) };
    }
    let site;
    const raw = error.site;
    if (raw && typeof raw === "object" && typeof raw.file === "string") {
      site = { file: raw.file, line: Number(raw.line), column: Number(raw.column) };
    }
    return {
      code: error.name === "DslError" ? "dsl" : code,
      name: String(error.name ?? "Error"),
      message: String(error.message ?? error),
      stack: typeof error.stack === "string" ? error.stack : undefined,
      site,
    };
  }
  const fail = (code, message) => JSON.stringify({ ok: false, error: { code, name: "Error", message } });
  const isRawManifest = (value) =>
    value !== null && typeof value === "object" && typeof value.apiVersion === "string" && typeof value.kind === "string";
  const describeValue = (value) =>
    value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object that is not a Skiff resource" : "a " + typeof value;
  const sitePairs = (sites) =>
    sites.map(([path, site]) => [path, { file: site.file, line: site.line, column: site.column }]);
  // The bundler keeps only "skiff" as an outside import; anything else was refused before this runs.
  const requireSkiff = (name) => {
    if (name === "skiff") return dsl;
    throw new Error('import "' + String(name) + '" is not available to pipelines');
  };
  // withSites: record where user code created each part, as [path, site] pairs beside the manifest (the
  // compiler asks only when a diagnostic needs placing; recording them costs a fifth of the evaluation).
  function run(pipeline, parametersJson, withSites) {
    const parameters = Object.freeze(JSON.parse(parametersJson));
    dsl.setCallSiteCapture(withSites ? "defer" : "skip");
    const entry = String(pipeline && pipeline.entry);
    let value;
    try {
      const module = { exports: {} };
      pipeline.load(module, module.exports, requireSkiff);
      const exported = module.exports;
      if (exported === null || typeof exported !== "object" || !("default" in exported) || exported.default === undefined) {
        return fail("pipeline.default-export", entry + " has no default export: export default the workflow, or a function of build parameters that returns it");
      }
      value = exported.default;
      if (typeof value === "function" && !dsl.isSkiffResource(value)) value = value(parameters);
    } catch (error) {
      return JSON.stringify({ ok: false, error: describe(error, "pipeline.throw") });
    }
    if (value !== null && typeof value === "object" && typeof value.then === "function") {
      return fail("pipeline.default-export", "the default export returned a Promise: build functions must return the workflow synchronously");
    }
    try {
      if (dsl.isSkiffResource(value)) {
        if (!withSites) return JSON.stringify({ ok: true, manifest: value.toManifest() });
        const { manifest, sites } = value.manifestWithSiteList();
        return JSON.stringify({ ok: true, manifest, sites: sitePairs(sites) });
      }
      if (isRawManifest(value)) return JSON.stringify({ ok: true, manifest: value });
    } catch (error) {
      return JSON.stringify({ ok: false, error: describe(error, "pipeline.throw") });
    }
    return fail("pipeline.default-export", "the default export must be a Skiff Workflow, WorkflowTemplate or CronWorkflow (or a function of build parameters returning one), got " + describeValue(value));
  }
  // The pipeline a worker hands over from the build's own context, taken by the next evaluateBound.
  let bound;
  globalThis.${HARNESS_GLOBAL} = {
    bind(pipeline) {
      bound = pipeline;
    },
    evaluateBound(parametersJson, withSites) {
      const pipeline = bound;
      bound = undefined;
      return run(pipeline, parametersJson, withSites);
    },
  };
})(globalThis.${dslGlobal}, Object, JSON, String, Number, Array, Error);
${sealSource(dslGlobal, HARNESS_GLOBAL)}`;

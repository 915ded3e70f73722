import type { Manifest } from "../argo";
import { type BundleOptions, bundlePipeline, EMPTY_SOURCE_MAP } from "./bundle";
import { toJson } from "./canonical";
import { type CodeSite, type Diagnostic, errorAt, hasErrors } from "./diagnostics";
import { bundleDsl } from "./dsl-bundle";
import { lazy } from "./lazy";
import type { ManifestSites } from "./lint";
import type { EvaluationError } from "./sandbox/protocol";
import type { EvaluationOutcome, Sandbox, SandboxLimits } from "./sandbox/sandbox";
import { sharedSandbox } from "./sandbox/shared";
import type { SourceFiles } from "./source-files";
import { BundleSourceMap } from "./source-map";
import { typecheckPipeline } from "./typecheck";
import { warmUpLinter } from "./warm-up";

export interface CompileOptions {
  /** Upload-relative path of the pipeline module, e.g. `pipeline.ts`. */
  entry: string;
  /** The upload: the entry and the sibling files it imports. */
  files: SourceFiles;
  /** Passed to a default export that is a function. Default: `{}`. */
  buildParameters?: Record<string, string>;
  /** Run TypeScript's checker on the upload against the DSL's types. Default: false (the CLI turns it on). */
  typecheck?: boolean;
  /** Sandbox limits. Default: 30 s wall time, 256 MB heap, 768 MB resident. */
  limits?: SandboxLimits;
  /** The sandbox to evaluate in. Default: a warm one shared by every build in this process with the same limits. */
  sandbox?: Sandbox;
  /** The DSL's entry module on disk. Default: this installation's lib/dsl/index.ts. */
  dslEntry?: string;
  /**
   * Record where user code created each part of the manifest (`sites`) even for a clean build. Default:
   * false: sites are recorded, by evaluating the pipeline a second time, only when a diagnostic needs
   * placing, so a clean build never pays for them.
   */
  callSites?: boolean;
}

export interface CompileResult {
  /** True when there is no error diagnostic. */
  ok: boolean;
  /** The evaluated manifest (present whenever evaluation succeeded, even if lint found errors). */
  manifest?: Manifest;
  /** Deterministic YAML of `manifest`. */
  yaml?: string;
  /** Canonical JSON text of `manifest`. */
  json?: string;
  /**
   * Where user code created each part of the manifest (spec path → file:line:col): filled when a diagnostic
   * needed placing or `callSites` was set, else empty.
   */
  sites?: ManifestSites;
  diagnostics: Diagnostic[];
}

/** V8's name for the bundle in stack frames and DSL sites. */
export const BUNDLE_FILENAME = "skiff-pipeline.bundle.js";

export { closeSharedSandboxes, sharedSandbox } from "./sandbox/shared";

/**
 * Compiles a pipeline: bundles it with esbuild (only `skiff` and relative imports in the upload resolve),
 * evaluates the bundle in the sandbox worker, lints the manifest, and renders YAML and JSON. Never throws
 * for a bad pipeline: everything wrong with it comes back as diagnostics.
 */
export async function compilePipeline(options: CompileOptions): Promise<CompileResult> {
  const sandbox = options.sandbox ?? sharedSandbox(options.limits);
  // A cold worker boots while esbuild bundles (a whole-process build pays for both), and gets the DSL as
  // soon as it is ready, to compile and evaluate into the sealed realm it lends to builds.
  sandbox.warm().catch(() => undefined);
  bundleDsl(options.dslEntry).then(
    (dsl) => sandbox.preload(dsl),
    () => undefined, // reported by bundlePipeline
  );
  const bundleOptions = { entry: options.entry, files: options.files, dslEntry: options.dslEntry };
  // Without a source map: only diagnostics need one, and they bundle again for it.
  const bundled = await bundlePipeline({ ...bundleOptions, sourceMap: false });
  if (!bundled.ok) return { ok: false, diagnostics: bundled.diagnostics };
  const { bundle } = bundled;
  const parametersJson = JSON.stringify(options.buildParameters ?? {});
  const evaluate = (callSites: boolean, yaml = false) =>
    sandbox.evaluate(bundle.code, BUNDLE_FILENAME, parametersJson, bundle.dsl, { callSites, yaml });
  const wantSites = options.callSites === true;
  // The worker renders the YAML after answering, while this process lints.
  const evaluation = evaluate(wantSites, true);
  // The linter (Argo's schema validator, ~0.9 MB of code) loads while the worker evaluates: on a cold
  // process this process is idle then. The checker runs then too.
  const linter = import("./lint");
  let answered = false;
  evaluation.then(
    () => {
      answered = true;
    },
    () => undefined,
  );
  // Still waiting on the worker: compile the linter's code now, on a sample (once per process).
  linter.then(
    (lint) => answered || warmUpLinter(lint),
    () => undefined,
  );
  const [typeDiagnostics, outcome] = await Promise.all([
    options.typecheck ? typecheckPipeline(bundle.sources, { dslEntry: options.dslEntry }) : [],
    evaluation,
  ]);
  const sourceMap = lazy(() => sourceMapOf(bundle.code, bundleOptions));
  const failed = async (error: EvaluationError) => {
    // A misuse of the DSL names the call sites involved only when they were recorded: evaluate again
    // with them (a deterministic pipeline fails the same way), keeping the first error otherwise.
    let placed = error;
    if (error.code === "dsl" && !wantSites) {
      const again = await evaluate(true);
      const retried = again.ok ? parseEvaluation(again.resultJson) : { error: again.error };
      if ("error" in retried && retried.error.code === "dsl") placed = retried.error;
    }
    return { ok: false, diagnostics: [...typeDiagnostics, evaluationDiagnostic(placed, await sourceMap())] };
  };
  if (!outcome.ok) return failed(outcome.error);
  const evaluated = parseEvaluation(outcome.resultJson);
  if ("error" in evaluated) return failed(evaluated.error);
  if ("diagnostic" in evaluated)
    return { ok: false, diagnostics: [...typeDiagnostics, evaluated.diagnostic] };
  const { lintManifest, placeDiagnostics } = await linter;
  // The manifest's JSON is part of the worker's answer: at most 3 UTF-8 bytes per UTF-16 unit of it.
  const found = lintManifest(evaluated.manifest, undefined, {
    jsonBytesAtMost: outcome.resultJson.length * 3,
  });
  let sites: ManifestSites = {};
  if (wantSites || found.length > 0) {
    const [rawSites, map] = await Promise.all([
      wantSites ? evaluated.rawSites : evaluate(true).then((again) => sitesOf(evaluated.manifest, again)),
      sourceMap(),
    ]);
    sites = mapSites(rawSites, map);
  }
  const diagnostics = [...typeDiagnostics, ...placeDiagnostics(found, sites)];
  const rendered = outcome.yaml === undefined ? undefined : await outcome.yaml;
  // The YAML writer (and js-yaml) loads here only when the worker sent no YAML.
  const { toYaml } = rendered === undefined ? await import("./yaml") : { toYaml: () => rendered };
  const yaml = lazy(() => toYaml(evaluated.manifest));
  return compiled(!hasErrors(diagnostics), evaluated.manifest, diagnostics, sites, yaml);
}

/**
 * The source map of a bundle made without one: the same bundle again, with it. When the code differs
 * (it should not: esbuild is deterministic), an empty map, so that nothing is placed at a wrong position.
 */
async function sourceMapOf(code: string, options: BundleOptions): Promise<BundleSourceMap> {
  const again = await bundlePipeline({ ...options, sourceMap: true });
  const json = again.ok && again.bundle.code === code ? again.bundle.sourceMap : EMPTY_SOURCE_MAP;
  return new BundleSourceMap(json, BUNDLE_FILENAME);
}

/**
 * The call sites from a second evaluation (with sites), when it rendered the same manifest as the first;
 * none when it did not (a pipeline that is not deterministic), rather than sites pointing at wrong code.
 */
async function sitesOf(manifest: Manifest, again: EvaluationOutcome): Promise<RawSites> {
  if (!again.ok) return [];
  const evaluated = parseEvaluation(again.resultJson);
  if (!("manifest" in evaluated)) return [];
  return JSON.stringify(evaluated.manifest) === JSON.stringify(manifest) ? evaluated.rawSites : [];
}

/**
 * The result of an evaluated pipeline. `yaml`, `json` and `sites` are rendered from `manifest` on first
 * read (a CLI writing YAML needs neither JSON nor the source map); they read like plain fields and can be
 * assigned.
 */
function compiled(
  ok: boolean,
  manifest: Manifest,
  diagnostics: Diagnostic[],
  sites: ManifestSites,
  yaml: () => string,
): CompileResult {
  const json = lazy(() => toJson(manifest));
  const set: { yaml?: string; json?: string; sites?: ManifestSites } = {};
  return {
    ok,
    manifest,
    get yaml(): string | undefined {
      return "yaml" in set ? set.yaml : yaml();
    },
    set yaml(value: string | undefined) {
      set.yaml = value;
    },
    get json(): string | undefined {
      return "json" in set ? set.json : json();
    },
    set json(value: string | undefined) {
      set.json = value;
    },
    get sites(): ManifestSites | undefined {
      return "sites" in set ? set.sites : sites;
    },
    set sites(value: ManifestSites | undefined) {
      set.sites = value;
    },
    diagnostics,
  };
}

function evaluationDiagnostic(error: EvaluationError, sourceMap: BundleSourceMap): Diagnostic {
  const site = sourceMap.mapSite(error.site) ?? sourceMap.firstUserFrame(error.stack);
  // DslError messages quote the bundle position; the mapped site replaces it.
  const message = sourceMap.rewriteMessage(error.message).replace(/ \(at [^()]*:\d+:\d+\)$/, "");
  const prefix = error.code === "pipeline.throw" && error.name !== "Error" ? `${error.name}: ` : "";
  return errorAt(error.code, `${prefix}${message}`, site);
}

/** Raw sites as the worker reports them: `[spec path, V8 position in the bundle]` pairs, or a record. */
type RawSites = [unknown, unknown][] | Record<string, unknown>;

function parseEvaluation(
  resultJson: string,
): { manifest: Manifest; rawSites: RawSites } | { error: EvaluationError } | { diagnostic: Diagnostic } {
  let result: unknown;
  try {
    result = JSON.parse(resultJson);
  } catch (cause) {
    return {
      diagnostic: errorAt("sandbox.output", `the sandbox returned malformed output: ${String(cause)}`),
    };
  }
  const r = result as { ok?: unknown; manifest?: unknown; sites?: unknown; error?: EvaluationError };
  if (r.ok === false && r.error) return { error: r.error };
  if (r.ok !== true || r.manifest === null || typeof r.manifest !== "object" || Array.isArray(r.manifest)) {
    return { diagnostic: errorAt("sandbox.output", "the pipeline produced no manifest object") };
  }
  const rawSites = r.sites !== null && typeof r.sites === "object" ? (r.sites as RawSites) : {};
  return { manifest: r.manifest as Manifest, rawSites };
}

/** Maps the worker's sites through the source map to upload files; sites outside the upload are dropped. */
function mapSites(rawSites: RawSites, sourceMap: BundleSourceMap): ManifestSites {
  const sites: ManifestSites = {};
  // The worker's output is data from user code's realm: anything malformed is skipped, never thrown.
  const pairs: unknown[] = Array.isArray(rawSites) ? rawSites : Object.entries(rawSites);
  for (const pair of pairs) {
    if (!Array.isArray(pair)) continue;
    const [path, raw] = pair as [unknown, unknown];
    const site = raw as Partial<CodeSite> | null;
    if (typeof path !== "string" || !site || typeof site !== "object" || typeof site.file !== "string")
      continue;
    const mapped = sourceMap.mapSite({
      file: site.file,
      line: Number(site.line),
      column: Number(site.column),
    });
    if (mapped) sites[path] = mapped;
  }
  return sites;
}

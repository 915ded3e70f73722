import type { Manifest } from "../argo";
import { bundlePipeline } from "./bundle";
import { type CodeSite, type Diagnostic, errorAt, hasErrors } from "./diagnostics";
import { lintManifest, type ManifestSites } from "./lint";
import type { EvaluationError } from "./sandbox/protocol";
import { Sandbox, type SandboxLimits } from "./sandbox/sandbox";
import type { SourceFiles } from "./source-files";
import { uploadPath } from "./source-files";
import { BundleSourceMap } from "./source-map";
import { typecheckPipeline } from "./typecheck";
import { toJson, toYaml } from "./yaml";

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
  /** Where user code created each part of the manifest (spec path → file:line:col). */
  sites?: ManifestSites;
  diagnostics: Diagnostic[];
}

/** V8's name for the bundle in stack frames and DSL sites. */
export const BUNDLE_FILENAME = "skiff-pipeline.bundle.js";

const sandboxes = new Map<string, Sandbox>();

/** The process-wide warm sandbox for these limits. */
export function sharedSandbox(limits: SandboxLimits = {}): Sandbox {
  const key = JSON.stringify(limits, Object.keys(limits).sort());
  let sandbox = sandboxes.get(key);
  if (!sandbox) {
    sandbox = new Sandbox(limits);
    sandboxes.set(key, sandbox);
  }
  return sandbox;
}

/** Stops every shared sandbox worker (tests, and long-lived hosts shutting down). */
export function closeSharedSandboxes(): void {
  for (const sandbox of sandboxes.values()) sandbox.close();
  sandboxes.clear();
}

/**
 * Compiles a pipeline: bundles it with esbuild (only `skiff` and relative imports in the upload resolve),
 * evaluates the bundle in the sandbox worker, lints the manifest, and renders YAML and JSON. Never throws
 * for a bad pipeline: everything wrong with it comes back as diagnostics.
 */
export async function compilePipeline(options: CompileOptions): Promise<CompileResult> {
  const entry = uploadPath(options.entry);
  if (entry === undefined || (await options.files.read(entry)) === undefined) {
    return { ok: false, diagnostics: [errorAt("build.entry", `the upload has no file "${options.entry}"`)] };
  }
  const sandbox = options.sandbox ?? sharedSandbox(options.limits);
  // A cold worker boots while esbuild bundles (a whole-process build pays for both).
  sandbox.warm().catch(() => undefined);
  const bundled = await bundlePipeline({ entry, files: options.files, dslEntry: options.dslEntry });
  if (!bundled.ok) return { ok: false, diagnostics: bundled.diagnostics };
  const { bundle } = bundled;
  // The checker runs here while the worker evaluates, on the other core.
  const [typeDiagnostics, outcome] = await Promise.all([
    options.typecheck ? typecheckPipeline(bundle.sources, { dslEntry: options.dslEntry }) : [],
    sandbox.evaluate(bundle.code, BUNDLE_FILENAME, JSON.stringify(options.buildParameters ?? {}), bundle.dsl),
  ]);
  const sourceMap = new BundleSourceMap(bundle.sourceMap, BUNDLE_FILENAME);
  if (!outcome.ok) {
    return { ok: false, diagnostics: [...typeDiagnostics, evaluationDiagnostic(outcome.error, sourceMap)] };
  }
  const evaluated = parseEvaluation(outcome.resultJson, sourceMap);
  if ("diagnostic" in evaluated)
    return { ok: false, diagnostics: [...typeDiagnostics, evaluated.diagnostic] };
  const { manifest, sites } = evaluated;
  const diagnostics = [...typeDiagnostics, ...lintManifest(manifest, sites)];
  return {
    ok: !hasErrors(diagnostics),
    manifest,
    yaml: toYaml(manifest),
    json: toJson(manifest),
    sites,
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

function parseEvaluation(
  resultJson: string,
  sourceMap: BundleSourceMap,
): { manifest: Manifest; sites: ManifestSites } | { diagnostic: Diagnostic } {
  let result: unknown;
  try {
    result = JSON.parse(resultJson);
  } catch (cause) {
    return {
      diagnostic: errorAt("sandbox.output", `the sandbox returned malformed output: ${String(cause)}`),
    };
  }
  const r = result as { ok?: unknown; manifest?: unknown; sites?: unknown; error?: EvaluationError };
  if (r.ok === false && r.error) return { diagnostic: evaluationDiagnostic(r.error, sourceMap) };
  if (r.ok !== true || r.manifest === null || typeof r.manifest !== "object" || Array.isArray(r.manifest)) {
    return { diagnostic: errorAt("sandbox.output", "the pipeline produced no manifest object") };
  }
  const sites: ManifestSites = {};
  if (r.sites !== null && typeof r.sites === "object") {
    for (const [path, raw] of Object.entries(r.sites as Record<string, unknown>)) {
      const site = raw as Partial<CodeSite> | null;
      if (!site || typeof site.file !== "string") continue;
      const mapped = sourceMap.mapSite({
        file: site.file,
        line: Number(site.line),
        column: Number(site.column),
      });
      if (mapped) sites[path] = mapped;
    }
  }
  return { manifest: r.manifest as Manifest, sites };
}

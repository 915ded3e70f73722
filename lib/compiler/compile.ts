import type { Spec } from "../argo";
import { type BundleOptions, bundleDsl, bundlePipeline, EMPTY_SOURCE_MAP, startBundle } from "./bundle";
import { toJson } from "./canonical";
import { type CodeSite, type Diagnostic, errorAt, hasErrors } from "./diagnostics";
import { lazy } from "./lazy";
import type { SpecSites } from "./lint";
import type { NamespacePolicy } from "./lint/namespaces";
import type { ServiceAccountPolicy } from "./lint/service-accounts";
import {
  type EvaluationError,
  type EvaluationOutcome,
  type EvaluationRequest,
  IsolateSandbox,
  type Sandbox,
  type SandboxLimits,
} from "./sandbox/sandbox";
import { type SourceFiles, uploadPath } from "./source-files";
import { BundleSourceMap } from "./source-map";
import { type RunningTypecheck, startTypecheck } from "./typecheck";
import { sharedTypecheckSession } from "./typecheck-session";

export interface CompileOptions {
  /** Upload-relative path of the pipeline module, e.g. `pipeline.ts`. */
  entry: string;
  /** The upload: the entry and the sibling files it imports. */
  files: SourceFiles;
  /** Passed to a default export that is a function. Default: `{}`. */
  buildParameters?: Record<string, string>;
  /** Run TypeScript's checker on the upload against the DSL's types. Default: false (the CLI turns it on). */
  typecheck?: boolean;
  /**
   * Check through this process's warm checker (`sharedTypecheckSession`) instead of spawning the compiler:
   * for long-lived processes, which build again and again. Default: false (a one-shot build starts faster
   * with a spawned compiler than with a new session).
   */
  warmTypecheck?: boolean;
  /** Sandbox limits. Default: 30 s wall time, 256 MB of memory, 16 Mi characters of spec JSON. */
  limits?: SandboxLimits;
  /** The sandbox to evaluate in. Default: a fresh isolate per evaluation (`IsolateSandbox`) with `limits`. */
  sandbox?: Sandbox;
  /**
   * Record where user code created each part of the spec (`sites`) even for a clean build. Default:
   * false: sites are recorded, by evaluating the pipeline a second time, only when a diagnostic needs
   * placing, so a clean build never pays for them.
   */
  callSites?: boolean;
  /** Which service accounts the spec may name (the build function passes the deployment's). Default: any. */
  serviceAccounts?: ServiceAccountPolicy;
  /** Which namespaces the spec may name (the build function passes the deployment's). Default: any. */
  namespaces?: NamespacePolicy;
  /**
   * Checks of the evaluated spec against what lives outside the upload (the build function's check of shared
   * templates in the engine). Its findings carry spec paths and are placed at user code like the linter's.
   */
  check?: (spec: Spec) => Promise<Diagnostic[]>;
}

export interface CompileResult {
  /** True when there is no error diagnostic. */
  ok: boolean;
  /** The evaluated spec (present whenever evaluation succeeded, even if lint found errors). */
  spec?: Spec;
  /** Deterministic YAML of `spec`. */
  yaml?: string;
  /** Canonical JSON text of `spec`. */
  json?: string;
  /**
   * Where user code created each part of the spec (spec path → file:line:col): filled when a diagnostic
   * needed placing or `callSites` was set, else empty.
   */
  sites?: SpecSites;
  diagnostics: Diagnostic[];
}

/** V8's name for the bundle in stack frames and DSL sites. */
export const BUNDLE_FILENAME = "skiff-pipeline.bundle.js";

/**
 * Compiles a pipeline: bundles it with esbuild (only `skiff` and relative imports in the upload resolve),
 * evaluates the bundle in the sandbox, lints the spec, and renders YAML and JSON. Never throws
 * for a bad pipeline: everything wrong with it comes back as diagnostics.
 */
export async function compilePipeline(options: CompileOptions): Promise<CompileResult> {
  const sandbox = options.sandbox ?? new IsolateSandbox(options.limits);
  const bundleOptions = { entry: options.entry, files: options.files };
  // The type check follows the upload's imports from the entry itself. A spawned compiler is the longest
  // part of a one-shot build: its process starts first, then the bundler's, and the rest loads while they
  // run. The warm checker holds nothing up: the bundling starts beside it.
  const checking = options.typecheck ? checkTypes(options) : undefined;
  if (checking && !options.warmTypecheck) await checking;
  const typeChecked = checking ? checking.then((check) => check.result) : Promise.resolve([]);
  const dslScript = bundleDsl();
  dslScript.catch(() => undefined);
  // Without a source map: only diagnostics need one, and they bundle again for it.
  const bundling = (await startBundle({ ...bundleOptions, sourceMap: false })).result;
  // esbuild sends its request a few microtasks after its process starts: the isolate's set-up (tens of
  // ms of this thread) waits for the next turn of the event loop, not to hold the request up.
  await new Promise((resolve) => setImmediate(resolve));
  const parametersJson = JSON.stringify(options.buildParameters ?? {});
  const dsl = await dslScript;
  const evaluate = (callSites: boolean, code: EvaluationRequest["code"]) =>
    sandbox.evaluate({ code, filename: BUNDLE_FILENAME, parametersJson, dsl, callSites });
  const wantSites = options.callSites === true;
  // A fresh isolate gets ready (the DSL's script run in it) while esbuild bundles; it gets the bundle's
  // code as soon as there is one. The isolate runs on its own thread and the checker in its own process.
  const first = evaluate(
    wantSites,
    bundling.then((bundled) => (bundled.ok ? bundled.bundle.code : undefined)),
  );
  const bundled = await bundling;
  if (!bundled.ok) {
    await first;
    return { ok: false, diagnostics: bundled.diagnostics };
  }
  const { bundle } = bundled;
  // The linter and the YAML writer load while the isolate evaluates the pipeline (loaded earlier, they
  // held up the checker's and the bundler's processes, or the bundle's arrival).
  const linter = import("./lint");
  const writer = import("./yaml");
  linter.catch(() => undefined);
  writer.catch(() => undefined);
  // The spec is linted and written while the checker runs; its diagnostics come first when it is done.
  const outcome = await first;
  const sourceMap = lazy(() => sourceMapOf(bundle.code, bundleOptions));
  const failed = async (error: EvaluationError) => {
    // A misuse of the DSL names the call sites involved only when they were recorded: evaluate again
    // with them (a deterministic pipeline fails the same way), keeping the first error otherwise.
    let placed = error;
    if (error.code === "dsl" && !wantSites) {
      const again = await evaluate(true, bundle.code);
      const retried = again.ok ? parseEvaluation(again.resultJson) : { error: again.error };
      if ("error" in retried && retried.error.code === "dsl") placed = retried.error;
    }
    const diagnostic = evaluationDiagnostic(placed, await sourceMap());
    return { ok: false, diagnostics: [...(await typeChecked), diagnostic] };
  };
  if (!outcome.ok) return failed(outcome.error);
  const evaluated = parseEvaluation(outcome.resultJson);
  if ("error" in evaluated) return failed(evaluated.error);
  if ("diagnostic" in evaluated)
    return { ok: false, diagnostics: [...(await typeChecked), evaluated.diagnostic] };
  const { lintSpec, placeDiagnostics } = await linter;
  // The spec's JSON is the sandbox's answer: at most 3 UTF-8 bytes per UTF-16 unit of it.
  const found = [
    ...lintSpec(evaluated.spec, undefined, {
      jsonBytesAtMost: outcome.resultJson.length * 3,
      serviceAccounts: options.serviceAccounts,
      namespaces: options.namespaces,
    }),
    ...(options.check ? await options.check(evaluated.spec) : []),
  ];
  let sites: SpecSites = {};
  if (wantSites || found.length > 0) {
    const [rawSites, map] = await Promise.all([
      wantSites
        ? evaluated.rawSites
        : evaluate(true, bundle.code).then((again) => sitesOf(evaluated.spec, again)),
      sourceMap(),
    ]);
    sites = mapSites(rawSites, map);
  }
  const placed = placeDiagnostics(found, sites);
  const { toYaml } = await writer;
  const yaml = lazy(() => toYaml(evaluated.spec));
  // Most callers write the YAML (the CLI, the build function): while the checker still runs, it is
  // written meanwhile rather than after.
  if (options.typecheck && !hasErrors(placed)) yaml();
  const diagnostics = [...(await typeChecked), ...placed];
  return compiled(!hasErrors(diagnostics), evaluated.spec, diagnostics, sites, yaml);
}

/**
 * Starts the type check of the upload, from its entry; none when the entry cannot be read (the bundler says
 * why).
 */
async function checkTypes(options: CompileOptions): Promise<RunningTypecheck> {
  const entry = uploadPath(options.entry);
  const text = entry === undefined ? undefined : await options.files.read(entry).catch(() => undefined);
  if (entry === undefined || text === undefined) return { result: Promise.resolve([]) };
  return startTypecheck(new Map([[entry, text]]), {
    files: options.files,
    ...(options.warmTypecheck ? { session: sharedTypecheckSession() } : {}),
  });
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
 * The call sites from a second evaluation (with sites), when it rendered the same spec as the first;
 * none when it did not (a pipeline that is not deterministic), rather than sites pointing at wrong code.
 */
async function sitesOf(spec: Spec, again: EvaluationOutcome): Promise<RawSites> {
  if (!again.ok) return [];
  const evaluated = parseEvaluation(again.resultJson);
  if (!("spec" in evaluated)) return [];
  return JSON.stringify(evaluated.spec) === JSON.stringify(spec) ? evaluated.rawSites : [];
}

/**
 * The result of an evaluated pipeline. `yaml`, `json` and `sites` are rendered from `spec` on first
 * read (a CLI writing YAML needs neither JSON nor the source map); they read like plain fields and can be
 * assigned.
 */
function compiled(
  ok: boolean,
  spec: Spec,
  diagnostics: Diagnostic[],
  sites: SpecSites,
  yaml: () => string,
): CompileResult {
  const json = lazy(() => toJson(spec));
  const set: { yaml?: string; json?: string; sites?: SpecSites } = {};
  return {
    ok,
    spec,
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
    get sites(): SpecSites | undefined {
      return "sites" in set ? set.sites : sites;
    },
    set sites(value: SpecSites | undefined) {
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

/** Raw sites as the sandbox reports them: `[spec path, V8 position in the bundle]` pairs, or a record. */
type RawSites = [unknown, unknown][] | Record<string, unknown>;

function parseEvaluation(
  resultJson: string,
): { spec: Spec; rawSites: RawSites } | { error: EvaluationError } | { diagnostic: Diagnostic } {
  let result: unknown;
  try {
    result = JSON.parse(resultJson);
  } catch (cause) {
    return {
      diagnostic: errorAt("sandbox.output", `the sandbox returned malformed output: ${String(cause)}`),
    };
  }
  const r = result as { ok?: unknown; spec?: unknown; sites?: unknown; error?: EvaluationError };
  if (r.ok === false && r.error) return { error: r.error };
  if (r.ok !== true || r.spec === null || typeof r.spec !== "object" || Array.isArray(r.spec)) {
    return { diagnostic: errorAt("sandbox.output", "the pipeline produced no spec object") };
  }
  const rawSites = r.sites !== null && typeof r.sites === "object" ? (r.sites as RawSites) : {};
  return { spec: r.spec as Spec, rawSites };
}

/** Maps the sandbox's sites through the source map to upload files; sites outside the upload are dropped. */
function mapSites(rawSites: RawSites, sourceMap: BundleSourceMap): SpecSites {
  const sites: SpecSites = {};
  // The sandbox's output is data from user code: anything malformed is skipped, never thrown.
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

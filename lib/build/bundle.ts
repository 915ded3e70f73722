import type { Message, Plugin } from "esbuild";
import { type CodeSite, type Diagnostic, errorAt } from "./diagnostics";
import { bundleDsl, DSL_GLOBAL, type DslBundle, loadEsbuild } from "./dsl-bundle";
import { type SourceFiles, uploadPath } from "./source-files";

export { bundleDsl, type DslBundle, defaultDslEntry } from "./dsl-bundle";

/** esbuild namespace of upload files; source-map sources read `upload:<path>`. */
export const UPLOAD_NAMESPACE = "upload";
const ENTRY_NAMESPACE = "skiff-entry";
const DSL_NAMESPACE = "skiff-dsl";
/** The global the bundle assigns its exports to (an IIFE), read by the sandbox worker. */
export const BUNDLE_GLOBAL = "__skiffBundle";

export interface BundleOptions {
  /** Upload-relative path of the pipeline module. */
  entry: string;
  files: SourceFiles;
  /** The DSL's entry module on disk. Default: `lib/dsl/index.ts` of this installation. */
  dslEntry?: string;
}

export interface Bundle {
  /** The pipeline's own code (the DSL is `dsl`), an IIFE assigning `__skiffBundle`. */
  code: string;
  dsl: DslBundle;
  /** esbuild's source map (JSON text) of `code`. */
  sourceMap: string;
  /** Every upload file the pipeline imports (entry included), with its text. */
  sources: Map<string, string>;
}

export type BundleResult = { ok: true; bundle: Bundle } | { ok: false; diagnostics: Diagnostic[] };

// The bundle's entry: runs inside the sandbox's vm context, so it may use nothing from the host. The
// pipeline module is `require`d, not imported, so esbuild initialises it lazily inside `evaluate` and a
// top-level throw is caught here with the user's frames on its stack. Its only output is one JSON string.
const ENTRY_SOURCE = (entry: string) => `
import * as dsl from "skiff";
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
const isResource = (value) => typeof dsl.isSkiffResource === "function" && dsl.isSkiffResource(value) === true;
const isRawManifest = (value) =>
  value !== null && typeof value === "object" && typeof value.apiVersion === "string" && typeof value.kind === "string";
const describeValue = (value) =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object that is not a Skiff resource" : "a " + typeof value;
const sitePairs = (sites) =>
  sites.map(([path, site]) => [path, { file: site.file, line: site.line, column: site.column }]);
// withSites: record where user code created each part, as [path, site] pairs beside the manifest (the
// compiler asks only when a diagnostic needs placing; recording them costs a fifth of the evaluation).
export function evaluate(parametersJson, withSites) {
  const parameters = Object.freeze(JSON.parse(parametersJson));
  if (typeof dsl.setCallSiteCapture === "function") dsl.setCallSiteCapture(withSites ? "defer" : "skip");
  let value;
  try {
    const pipeline = require(${JSON.stringify(`./${entry}`)});
    if (!("default" in pipeline) || pipeline.default === undefined) {
      return fail("pipeline.default-export", ${JSON.stringify(`${entry} has no default export: export default the workflow, or a function of build parameters that returns it`)});
    }
    value = pipeline.default;
    if (typeof value === "function" && !isResource(value)) value = value(parameters);
  } catch (error) {
    return JSON.stringify({ ok: false, error: describe(error, "pipeline.throw") });
  }
  if (value !== null && typeof value === "object" && typeof value.then === "function") {
    return fail("pipeline.default-export", "the default export returned a Promise: build functions must return the workflow synchronously");
  }
  try {
    if (isResource(value)) {
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
`;

const RESOLVE_EXTENSIONS = ["", ".ts", ".tsx", ".mts", ".js", ".mjs", "/index.ts", "/index.js"];
const LOADERS = { ts: "ts", tsx: "tsx", mts: "ts", js: "js", mjs: "js", json: "json" } as const;

/** Bundles the pipeline's files; only `skiff` (the DSL bundle's global) and relative imports inside the upload resolve. */
export async function bundlePipeline(options: BundleOptions): Promise<BundleResult> {
  const { build } = loadEsbuild();
  const entry = uploadPath(options.entry);
  if (entry === undefined)
    return { ok: false, diagnostics: [errorAt("build.entry", `bad entry path "${options.entry}"`)] };
  const sources = new Map<string, string>();
  // The DSL bundles (once per process, unless prebuilt) while the pipeline's files do.
  const dslReady = bundleDsl(options.dslEntry);
  dslReady.catch(() => undefined);
  try {
    const result = await build({
      entryPoints: [`${ENTRY_NAMESPACE}:entry`],
      bundle: true,
      write: false,
      outfile: "pipeline.bundle.js",
      format: "iife",
      globalName: BUNDLE_GLOBAL,
      platform: "neutral",
      mainFields: ["module", "main"],
      target: "es2022",
      sourcemap: "external",
      sourcesContent: false,
      logLevel: "silent",
      charset: "utf8",
      plugins: [uploadPlugin(entry, options.files, sources)],
    });
    const code = result.outputFiles.find((f) => f.path.endsWith(".js"))?.text ?? "";
    const sourceMap = result.outputFiles.find((f) => f.path.endsWith(".map"))?.text ?? "{}";
    return { ok: true, bundle: { code, dsl: await dslReady, sourceMap, sources } };
  } catch (error) {
    const messages = (error as { errors?: Message[] }).errors;
    if (!Array.isArray(messages)) throw error;
    return { ok: false, diagnostics: messages.map(messageDiagnostic) };
  }
}

function uploadPlugin(entry: string, files: SourceFiles, sources: Map<string, string>): Plugin {
  return {
    name: "skiff-upload",
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${ENTRY_NAMESPACE}:entry$`) }, () => ({
        path: "entry",
        namespace: ENTRY_NAMESPACE,
      }));
      build.onLoad({ filter: /.*/, namespace: ENTRY_NAMESPACE }, () => ({
        contents: ENTRY_SOURCE(entry),
        loader: "js",
      }));
      build.onResolve({ filter: /.*/ }, async (args) => {
        const fromUser = args.namespace === UPLOAD_NAMESPACE || args.namespace === ENTRY_NAMESPACE;
        if (!fromUser) return undefined; // the DSL's own imports resolve normally
        if (args.path === "skiff") return { path: "skiff", namespace: DSL_NAMESPACE };
        if (!args.path.startsWith("./") && !args.path.startsWith("../")) {
          return {
            errors: [
              {
                text: `import "${args.path}" is not available to pipelines: only "skiff" and relative imports of files in the upload resolve`,
                detail: "sandbox.import",
              },
            ],
          };
        }
        const importerDir =
          args.namespace === UPLOAD_NAMESPACE ? args.importer.split("/").slice(0, -1).join("/") : "";
        const target = uploadPath(`${importerDir}/${args.path}`);
        if (target === undefined) {
          return { errors: [{ text: `import "${args.path}" leaves the upload`, detail: "sandbox.import" }] };
        }
        const found = await findUploadFile(target, files, sources);
        if (found === undefined) {
          return {
            errors: [{ text: `import "${args.path}" not found in the upload`, detail: "build.resolve" }],
          };
        }
        return { path: found, namespace: UPLOAD_NAMESPACE };
      });
      // `skiff` is the DSL bundle the worker runs first in the same context.
      build.onLoad({ filter: /.*/, namespace: DSL_NAMESPACE }, () => ({
        contents: `module.exports = globalThis.${DSL_GLOBAL};`,
        loader: "js",
      }));
      build.onLoad({ filter: /.*/, namespace: UPLOAD_NAMESPACE }, (args) => {
        const extension = args.path.split(".").pop() ?? "";
        const loader = LOADERS[extension as keyof typeof LOADERS] ?? "ts";
        return { contents: sources.get(args.path) ?? "", loader };
      });
    },
  };
}

async function findUploadFile(
  target: string,
  files: SourceFiles,
  sources: Map<string, string>,
): Promise<string | undefined> {
  // TypeScript's ESM style names the emitted file (`./steps.js` for steps.ts).
  const stem = target.replace(/\.(m?js)$/, "");
  const candidates = [
    ...RESOLVE_EXTENSIONS.map((ext) => target + ext),
    ...[".ts", ".mts"].map((e) => stem + e),
  ];
  for (const candidate of candidates) {
    if (sources.has(candidate)) return candidate;
    const text = await files.read(candidate);
    if (text !== undefined) {
      sources.set(candidate, text);
      return candidate;
    }
  }
  return undefined;
}

function messageDiagnostic(message: Message): Diagnostic {
  const location = message.location;
  const code = typeof message.detail === "string" ? message.detail : "build.syntax";
  const site: CodeSite | undefined = location?.file.startsWith(`${UPLOAD_NAMESPACE}:`)
    ? {
        file: location.file.slice(UPLOAD_NAMESPACE.length + 1),
        line: location.line,
        column: location.column + 1,
      }
    : undefined;
  return errorAt(code, message.text, site);
}

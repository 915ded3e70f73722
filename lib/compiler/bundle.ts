import { createRequire } from "node:module";
import type { Message, Plugin } from "esbuild";
import { type CodeSite, type Diagnostic, errorAt } from "./diagnostics";
import { PIPELINE_GLOBAL } from "./sandbox/harness";
import { OutsideUploadError, type SourceFiles, uploadPath } from "./source-files";

export { bundleDsl, type DslBundle, defaultDslEntry } from "./dsl-bundle";

// Required, not imported: importing esbuild's CommonJS entry has Node scan its source for export names
// first, which costs a whole-process build more than the require itself. Required at the first bundle, so
// that a build's type check (which needs no esbuild) starts its compiler first.
let esbuild: typeof import("esbuild") | undefined;
const bundler = () => {
  esbuild ??= createRequire(import.meta.url)("esbuild") as typeof import("esbuild");
  return esbuild;
};

/** esbuild namespace of upload files; source-map sources read `upload:<path>`. */
export const UPLOAD_NAMESPACE = "upload";

/** A source map that maps nothing. */
export const EMPTY_SOURCE_MAP = JSON.stringify({ version: 3, sources: [], names: [], mappings: "" });

export interface BundleOptions {
  /** Upload-relative path of the pipeline module. */
  entry: string;
  files: SourceFiles;
  /** Make the source map (`Bundle.sourceMap`). Default: true. Without it the code is the same. */
  sourceMap?: boolean;
}

export interface Bundle {
  /**
   * The pipeline's own code, as one CommonJS function the script assigns to `__skiffPipeline.load`; the
   * harness in the DSL script (`dsl`) calls it with a `require` that gives only `skiff`.
   */
  code: string;
  /** esbuild's source map (JSON text) of `code`; an empty one with `sourceMap: false`. */
  sourceMap: string;
}

export type BundleResult = { ok: true; bundle: Bundle } | { ok: false; diagnostics: Diagnostic[] };

const RESOLVE_EXTENSIONS = ["", ".ts", ".tsx", ".mts", ".js", ".mjs", "/index.ts", "/index.js"];
const LOADERS = { ts: "ts", tsx: "tsx", mts: "ts", js: "js", mjs: "js", json: "json" } as const;

const notAvailable = (path: string) =>
  `import "${path}" is not available to pipelines: only "skiff" and relative imports of files in the upload resolve`;

/**
 * Bundles the pipeline's files; only `skiff` and relative imports inside the upload resolve. esbuild
 * reads the entry from stdin and leaves every bare import outside the bundle, so a single-file pipeline
 * costs no round trip to this process; a bare import other than `skiff` is an error, placed by a second
 * pass that resolves them here.
 */
export async function bundlePipeline(options: BundleOptions): Promise<BundleResult> {
  return (await startBundle(options)).result;
}

/** A bundle under way. */
export interface RunningBundle {
  /** What `bundlePipeline` gives. */
  result: Promise<BundleResult>;
}

/**
 * `bundlePipeline` in two steps: this settles once the entry is read and esbuild is given it (its
 * process started), so that a caller starts other work after and does not delay it; `result` settles with
 * the bundle.
 */
export async function startBundle(options: BundleOptions): Promise<RunningBundle> {
  const failed = (diagnostics: Diagnostic[]) => ({
    result: Promise.resolve({ ok: false as const, diagnostics }),
  });
  const entry = uploadPath(options.entry);
  if (entry === undefined) return failed([errorAt("build.entry", `bad entry path "${options.entry}"`)]);
  let entrySource: string | undefined;
  try {
    entrySource = await options.files.read(entry);
  } catch (error) {
    if (!(error instanceof OutsideUploadError)) throw error;
    return failed([errorAt("build.entry", error.message)]);
  }
  if (entrySource === undefined)
    return failed([errorAt("build.entry", `the upload has no file "${options.entry}"`)]);
  const sources = new Map([[entry, entrySource]]);
  const built = bundleUpload(entry, options.files, sources, options.sourceMap !== false);
  return { result: bundleResult(built, sources) };
}

async function bundleResult(
  built: ReturnType<typeof bundleUpload>,
  sources: Map<string, string>,
): Promise<BundleResult> {
  try {
    const result = await built;
    // esbuild left every bare import outside; the metafile says which file made each.
    const outside = Object.entries(result.metafile?.inputs ?? {}).flatMap(([input, { imports }]) =>
      imports
        .filter((imported) => imported.external === true && imported.path !== "skiff")
        .map((imported) => importDiagnostic(input, imported.path, sources)),
    );
    if (outside.length > 0) return { ok: false, diagnostics: outside };
    const code = result.outputFiles.find((f) => f.path.endsWith(".js"))?.text ?? "";
    const sourceMap = result.outputFiles.find((f) => f.path.endsWith(".map"))?.text ?? EMPTY_SOURCE_MAP;
    return { ok: true, bundle: { code, sourceMap } };
  } catch (error) {
    const messages = (error as { errors?: Message[] }).errors;
    if (!Array.isArray(messages)) throw error;
    return { ok: false, diagnostics: messages.map(messageDiagnostic) };
  }
}

// What a pipeline compiles to, bundled or transformed: one CommonJS function the harness calls.
const OUTPUT_OPTIONS = {
  format: "cjs",
  platform: "neutral",
  target: "es2022",
  logLevel: "silent",
  charset: "utf8",
} as const;
const PIPELINE_FOOTER = "} };";

const pipelineBanner = (entry: string) =>
  `globalThis.${PIPELINE_GLOBAL} = { entry: ${JSON.stringify(entry)}, load(module, exports, require) {`;

// Every string a module could load: `from "…"`, `import "…"`, `import("…")`, `require("…")`.
const SPECIFIER = /\b(?:from|import|require)\s*\(?\s*(["'`])([^"'`]*)\1/g;

/** A refused import, at the first place its file names it (esbuild's metafile gives no position). */
function importDiagnostic(input: string, path: string, sources: Map<string, string>): Diagnostic {
  const file = input.startsWith(`${UPLOAD_NAMESPACE}:`) ? input.slice(UPLOAD_NAMESPACE.length + 1) : input;
  const source = sources.get(file) ?? "";
  for (const match of source.matchAll(SPECIFIER)) {
    if (match[2] !== path) continue;
    const at = (match.index ?? 0) + match[0].indexOf(match[1]);
    const before = source.slice(0, at).split("\n");
    const site = { file, line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
    return errorAt("sandbox.import", notAvailable(path), site);
  }
  return errorAt(
    "sandbox.import",
    notAvailable(path),
    sources.has(file) ? { file, line: 1, column: 1 } : undefined,
  );
}

function bundleUpload(entry: string, files: SourceFiles, sources: Map<string, string>, sourceMap: boolean) {
  return bundler().build({
    stdin: {
      contents: sources.get(entry) ?? "",
      sourcefile: `${UPLOAD_NAMESPACE}:${entry}`,
      loader: loaderOf(entry),
    },
    bundle: true,
    write: false,
    outfile: "pipeline.bundle.js",
    ...OUTPUT_OPTIONS,
    // Every import no plugin resolves (bare ones) stays a `require` the harness answers for `skiff` only.
    external: ["*"],
    ...(sourceMap ? { sourcemap: "external" as const, sourcesContent: false } : {}),
    metafile: true,
    banner: { js: pipelineBanner(entry) },
    footer: { js: PIPELINE_FOOTER },
    plugins: [uploadPlugin(entry, files, sources)],
  });
}

function loaderOf(path: string) {
  const extension = path.split(".").pop() ?? "";
  return LOADERS[extension as keyof typeof LOADERS] ?? "ts";
}

function uploadPlugin(entry: string, files: SourceFiles, sources: Map<string, string>): Plugin {
  return {
    name: "skiff-upload",
    setup(build) {
      // Relative and absolute paths always come here: esbuild must never read the host's files.
      build.onResolve({ filter: /^[./]/ }, async (args) => {
        if (!args.path.startsWith("./") && !args.path.startsWith("../")) {
          return { errors: [{ text: notAvailable(args.path), detail: "sandbox.import" }] };
        }
        const importer = args.namespace === UPLOAD_NAMESPACE ? args.importer : entry;
        const target = uploadPath(`${importer.split("/").slice(0, -1).join("/")}/${args.path}`);
        if (target === undefined) {
          return { errors: [{ text: `import "${args.path}" leaves the upload`, detail: "sandbox.import" }] };
        }
        let found: string | undefined;
        try {
          found = await findUploadFile(target, files, sources);
        } catch (error) {
          // A symlink out of the folder: refused at the import's line, like any import leaving the upload.
          if (!(error instanceof OutsideUploadError)) throw error;
          return { errors: [{ text: `import "${args.path}": ${error.message}`, detail: "sandbox.import" }] };
        }
        if (found === undefined) {
          return {
            errors: [{ text: `import "${args.path}" not found in the upload`, detail: "build.resolve" }],
          };
        }
        return { path: found, namespace: UPLOAD_NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: UPLOAD_NAMESPACE }, (args) => ({
        contents: sources.get(args.path) ?? "",
        loader: loaderOf(args.path),
      }));
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

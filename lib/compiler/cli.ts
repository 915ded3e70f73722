import { existsSync, statSync, writeFileSync } from "node:fs";
import { dirname, extname, join, relative, resolve } from "node:path";
import { EXIT_FAILED, EXIT_OK, UsageError } from "../cli/exit";
import { type Diagnostic, formatDiagnostic, hasErrors } from "./diagnostics";
import type { FileBuild } from "./file-build";

export interface BuildCommandOptions {
  /** Spec file to write; `.json` writes JSON, anything else YAML. Default: the YAML on stdout. */
  output?: string;
  /** Build parameters, already parsed from `--param k=v`. */
  params: Record<string, string>;
  /** Default true (`--no-typecheck` turns it off). */
  typecheck: boolean;
  /** `text` (default) or `json`: a machine-readable report on stdout. */
  format: string;
  /** Hand the build to the build daemon (./daemon), starting one when none runs. Default true (`--no-daemon`). */
  daemon?: boolean;
}

export interface LintCommandOptions {
  params: Record<string, string>;
  typecheck: boolean;
  format: string;
  /** As for `skiff build`. */
  daemon?: boolean;
}

const isPipeline = (file: string) => [".ts", ".mts"].includes(extname(file));

function existingFile(file: string): string {
  const full = resolve(file);
  if (!existsSync(full) || !statSync(full).isFile()) throw new UsageError(`no such file: ${file}`);
  return full;
}

function checkFormat(format: string): "text" | "json" {
  if (format !== "text" && format !== "json")
    throw new UsageError(`--format must be text or json, got "${format}"`);
  return format;
}

/** Diagnostics name files relative to the current directory, as compilers do. */
function relativeTo(root: string, diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) =>
    d.file ? { ...d, file: relative(process.cwd(), join(root, d.file)) || d.file } : d,
  );
}

function report(diagnostics: Diagnostic[]): void {
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  if (errors > 0) process.stderr.write(`${errors} error${errors === 1 ? "" : "s"}\n`);
}

/**
 * The sandbox limits `SKIFF_BUILD_TIMEOUT_MS` sets (lib/config.ts), else the defaults. The configuration
 * module (and zod) loads only when the variable is set: a plain build never pays for it.
 */
async function cliLimits(): Promise<{ timeoutMs: number } | undefined> {
  if (process.env.SKIFF_BUILD_TIMEOUT_MS === undefined) return undefined;
  const timeoutMs = (await import("../config")).buildTimeoutMs();
  return timeoutMs === undefined ? undefined : { timeoutMs };
}

export interface FileBuildOptions {
  params: Record<string, string>;
  typecheck: boolean;
  /** Hand the build to the build daemon, starting one when none answers (./daemon). */
  daemon: boolean;
  /** Render the spec as YAML (`yaml`) and as canonical JSON (`json`). */
  yaml: boolean;
  json: boolean;
}

/**
 * Builds a pipeline file (its folder is the upload) as the CLI's commands do: in the build daemon when one
 * answers, else in this process. Diagnostics name files relative to the current directory.
 */
export async function buildPipelineFile(file: string, options: FileBuildOptions): Promise<FileBuild> {
  const root = dirname(file);
  const { params, typecheck, yaml, json } = options;
  const request = { file, params, typecheck, limits: await cliLimits(), yaml, json };
  let built: FileBuild | undefined;
  let startDaemon: (() => void) | undefined;
  if (options.daemon) {
    // Loaded only when asked for: `--no-daemon` builds load nothing of it.
    const { buildInDaemon } = await import("./daemon/client");
    const answer = await buildInDaemon(request);
    if (answer.kind === "reply") built = answer.reply;
    else startDaemon = answer.start;
  }
  if (!built) {
    // The compiler loads only here: a build the daemon answers needs none of it.
    const { buildFile } = await import("./file-build");
    built = await buildFile(request);
    // Started once this build is done, not to slow it down.
    startDaemon?.();
  }
  return { ...built, diagnostics: relativeTo(root, built.diagnostics) };
}

/** `skiff build`: compiles pipeline.ts; writes the spec only when there is no error. */
export async function runBuild(pipeline: string, options: BuildCommandOptions): Promise<number> {
  const format = checkFormat(options.format);
  const file = existingFile(pipeline);
  if (!isPipeline(file)) throw new UsageError(`skiff build takes a pipeline .ts file, got ${pipeline}`);
  const asJson = options.output?.endsWith(".json") === true;
  const result = await buildPipelineFile(file, {
    params: options.params,
    typecheck: options.typecheck,
    daemon: options.daemon !== false,
    yaml: !asJson,
    json: asJson || format === "json",
  });
  const { ok } = result;
  let spec: string | undefined;
  if (ok) {
    spec = asJson ? result.json : result.yaml;
    if (spec === undefined) throw new Error("the compiler returned a spec without its spec text");
    // One synchronous write: the CLI has nothing else to do meanwhile (and no thread-pool round trips).
    if (options.output) writeFileSync(options.output, spec);
  }
  if (format === "json") {
    const out = {
      ok,
      diagnostics: result.diagnostics,
      ...(ok ? { output: options.output ?? null, spec: JSON.parse(result.json ?? "null") } : {}),
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    report(result.diagnostics);
    if (ok && !options.output) process.stdout.write(spec ?? "");
    if (ok && options.output) process.stderr.write(`wrote ${options.output}\n`);
  }
  return ok ? EXIT_OK : EXIT_FAILED;
}

/** `skiff lint`: a pipeline (compiled, then linted) or a hand-written spec (YAML/JSON, any number of documents). */
export async function runLint(target: string, options: LintCommandOptions): Promise<number> {
  const format = checkFormat(options.format);
  const file = existingFile(target);
  let diagnostics: Diagnostic[];
  if (isPipeline(file)) {
    const building = { params: options.params, typecheck: options.typecheck, yaml: false, json: false };
    diagnostics = (await buildPipelineFile(file, { ...building, daemon: options.daemon !== false }))
      .diagnostics;
  } else {
    // Loaded here: `skiff build` needs no spec parser.
    const { lintSpecText } = await import("./lint-spec");
    diagnostics = lintSpecText(
      await import("node:fs/promises").then((fs) => fs.readFile(file, "utf8")),
      target,
    );
  }
  if (format === "json") {
    process.stdout.write(`${JSON.stringify({ ok: !hasErrors(diagnostics), diagnostics }, null, 2)}\n`);
  } else {
    report(diagnostics);
    if (!hasErrors(diagnostics)) process.stderr.write(`${target}: ok\n`);
  }
  return hasErrors(diagnostics) ? EXIT_FAILED : EXIT_OK;
}

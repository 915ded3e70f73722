import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { type Diagnostic, errorAt } from "./diagnostics";
import { defaultDslEntry } from "./dsl-bundle";
import { findInstalled } from "./install-paths";
import { type SourceFiles, uploadPath } from "./source-files";
import type { TypecheckSession } from "./typecheck-session";

export interface TypecheckOptions {
  /**
   * The module `skiff` resolves to for types. Default: this installation's DSL declarations
   * (dist/types/dsl/index.d.ts, scripts/build-dts.mjs), or lib/dsl/index.ts when they are not built.
   */
  dslEntry?: string;
  /**
   * The native compiler's executable. Default: the binary of `@typescript/typescript-<os>-<arch>`, else
   * `typescript/bin/tsc` under this Node. Tests point it at a missing file to see the diagnostic.
   */
  compiler?: string;
  /** Longest the compiler may run. Default: 60 s. */
  timeoutMs?: number;
  /**
   * The whole upload, to read the files `sources` imports and lacks, transitively (the compiler starts from
   * the entry alone, and modules imported only for their types never reach a bundle). Default: none, and
   * such an import does not resolve.
   */
  files?: SourceFiles;
  /**
   * A warm checker to check through (long-lived processes: the build function, the embedded stack) instead
   * of spawning the compiler for this check. `compiler` set means the spawned compiler regardless.
   */
  session?: TypecheckSession;
}

/** Install-relative entry of the declarations scripts/build-dts.mjs emits. */
export const DSL_DECLARATIONS = "dist/types/dsl/index.d.ts";

// Upload files go under this folder of the private directory, the compiler's tsconfig.json beside it, so
// an upload's own tsconfig.json (or anything else) cannot take its place.
const UPLOAD_DIR = "upload";
const DIAGNOSTIC = /^(?:(.+)\((\d+),(\d+)\): )?error TS(\d+): (.*)$/;

/**
 * Type-checks a pipeline and its sibling files (upload-relative path → text) against the DSL's types with
 * TypeScript's native compiler. Only diagnostics in upload files (and ones about the check itself) are
 * reported, as file:line:col. Never throws: a missing or failing compiler is a `typecheck.unavailable`
 * diagnostic.
 */
export async function typecheckPipeline(
  sources: ReadonlyMap<string, string>,
  options: TypecheckOptions = {},
): Promise<Diagnostic[]> {
  return (await startTypecheck(sources, options)).result;
}

/** A type check under way. */
export interface RunningTypecheck {
  /** The check's diagnostics, as `typecheckPipeline` gives them. */
  result: Promise<Diagnostic[]>;
}

/**
 * `typecheckPipeline`, in two steps: this settles once the compiler is running (its process spawned, or
 * the warm checker asked), so that a caller starts its other work after the check's and does not delay
 * it; `result` settles when the check is done. Never rejects.
 */
export async function startTypecheck(
  sources: ReadonlyMap<string, string>,
  options: TypecheckOptions = {},
): Promise<RunningTypecheck> {
  const failed = (error: unknown) => [
    unavailable(`the type check could not run: ${error instanceof Error ? error.message : error}`),
  ];
  if (options.session && options.compiler === undefined) {
    const { session } = options;
    try {
      const upload = options.files ? await withImports(sources, options.files) : sources;
      const dslEntry = options.dslEntry ?? defaultTypesEntry();
      return { result: session.check(upload, dslEntry, options.timeoutMs).catch(failed) };
    } catch (error) {
      return { result: Promise.resolve(failed(error)) };
    }
  }
  const command = options.compiler === undefined ? nativeCompiler() : { file: options.compiler, args: [] };
  if (!command) {
    const missing = unavailable(
      "TypeScript's compiler is not installed (the `typescript` package and its binary)",
    );
    return { result: Promise.resolve([missing]) };
  }
  let dir: string | undefined;
  try {
    const upload = options.files ? await withImports(sources, options.files) : sources;
    // From here to the spawn nothing waits: the compiler is the longest part of a build, and its few small
    // files are written synchronously rather than a thread-pool round trip each.
    // realpath: the compiler reports real paths (macOS's temp dir is a symlink).
    dir = realpathSync(mkdtempSync(join(tmpdir(), "skiff-typecheck-")));
    const roots = writeUpload(dir, upload);
    const dslEntry = options.dslEntry ?? defaultTypesEntry();
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(compilerConfig(dslEntry, roots)));
    const running = execute(command, ["-p", join(dir, "tsconfig.json"), "--pretty", "false"], {
      cwd: dir,
      timeoutMs: options.timeoutMs ?? 60_000,
    });
    const checked = dir;
    const result = running
      .then((run) => compilerResult(run, checked), failed)
      .finally(() => rm(checked, { recursive: true, force: true }).catch(() => undefined));
    return { result };
  } catch (error) {
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    return { result: Promise.resolve(failed(error)) };
  }
}

/** The diagnostics of a compiler's run in `dir`. */
function compilerResult(run: Run, dir: string): Diagnostic[] {
  if (run.error) return [unavailable(run.error)];
  const diagnostics = parseDiagnostics(run.stdout, dir);
  // Exit 1 and 2 mean diagnostics; anything else, or an error exit that printed none, is a crash.
  if (run.code === 0 || ((run.code === 1 || run.code === 2) && diagnostics.printed)) {
    return diagnostics.inUpload;
  }
  const output = `${run.stderr}${run.stdout}`.trim().slice(0, 2000);
  return [unavailable(`TypeScript's compiler exited with code ${run.code}${output ? `: ${output}` : ""}`)];
}

export function unavailable(message: string): Diagnostic {
  return errorAt("typecheck.unavailable", message);
}

/**
 * The upload's files as the compiler sees them, relative to its directory (`upload/…`, beside its
 * tsconfig.json), and the ones it starts from. Upload paths never leave the upload; one that would is
 * left out (and is not checked).
 */
export function uploadLayout(sources: ReadonlyMap<string, string>): {
  files: Map<string, string>;
  roots: string[];
} {
  const files = new Map<string, string>();
  const roots: string[] = [];
  for (const [path, text] of sources) {
    const inside = uploadPath(path);
    if (inside === undefined || isAbsolute(path)) continue;
    files.set(`${UPLOAD_DIR}/${inside}`, text);
    if (/\.(m?ts|tsx)$/.test(inside)) roots.push(`${UPLOAD_DIR}/${inside}`);
  }
  return { files, roots };
}

/** Writes the upload from memory (nothing is copied from disk); returns the files the compiler starts from. */
function writeUpload(dir: string, sources: ReadonlyMap<string, string>): string[] {
  const { files, roots } = uploadLayout(sources);
  for (const [path, text] of files) {
    const file = join(dir, ...path.split("/"));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return roots;
}

// Module specifiers of import and export declarations, `import("…")` types and side-effect imports.
const SPECIFIER = /\b(?:from|import)\s*\(?\s*["']([^"'\n]+)["']/g;
// Most reads beyond `sources`: each may cost a request to the upload's store.
const MAX_READS = 300;

/**
 * `sources` and the upload files their relative imports name that it lacks, transitively, read from
 * `files`. A pattern finds the specifiers: one it misreads only costs a read; the compiler resolves them.
 */
async function withImports(
  sources: ReadonlyMap<string, string>,
  files: SourceFiles,
): Promise<ReadonlyMap<string, string>> {
  const all = new Map(sources);
  const pending = [...sources.keys()];
  let reads = 0;
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (!/\.(m?ts|tsx)$/.test(file)) continue;
    for (const [, specifier] of (all.get(file) ?? "").matchAll(SPECIFIER)) {
      if (!specifier?.startsWith("./") && !specifier?.startsWith("../")) continue;
      const target = uploadPath(`${file.slice(0, file.lastIndexOf("/") + 1)}${specifier}`);
      if (target === undefined) continue;
      const stem = target.replace(/\.(m?js)$/, "");
      // As written when it names a TypeScript or JSON file (`./steps.ts`), else the files it may mean.
      const candidates = [
        ...(/\.(m?ts|tsx|json)$/.test(target) ? [target] : []),
        `${stem}.ts`,
        `${stem}.mts`,
        `${stem}.tsx`,
        `${stem}.d.ts`,
        `${stem}/index.ts`,
      ];
      if (candidates.some((candidate) => all.has(candidate))) continue;
      for (const candidate of candidates) {
        if (reads++ >= MAX_READS) return all;
        // A failed read (the upload's limits, the store) leaves the import unresolved, reported as such.
        const text = await files.read(candidate).catch(() => undefined);
        if (text === undefined) continue;
        all.set(candidate, text);
        pending.push(candidate);
        break;
      }
    }
  }
  return all;
}

export function compilerConfig(dslEntry: string, files: string[]) {
  return {
    compilerOptions: {
      strict: true,
      target: "ES2022",
      module: "ESNext",
      moduleResolution: "bundler",
      lib: ["es2023"],
      types: [],
      noEmit: true,
      skipLibCheck: true,
      isolatedModules: true,
      allowImportingTsExtensions: true,
      resolveJsonModule: true,
      paths: { skiff: [dslEntry] },
    },
    files,
  };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why the compiler did not run to an exit code (not found, timed out, killed). */
  error?: string;
}

function execute(command: Command, args: string[], options: { cwd: string; timeoutMs: number }) {
  return new Promise<Run>((resolve) => {
    execFile(
      command.file,
      [...command.args, ...args],
      { cwd: options.cwd, timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr });
        const failure = error as Error & { code?: unknown; killed?: boolean; signal?: string | null };
        if (typeof failure.code === "number") return resolve({ code: failure.code, stdout, stderr });
        const why =
          failure.code === "ENOENT"
            ? `TypeScript's compiler was not found at ${command.file}`
            : failure.killed && failure.signal
              ? `TypeScript's compiler did not finish within ${options.timeoutMs} ms`
              : `TypeScript's compiler failed: ${failure.message}`;
        resolve({ code: null, stdout, stderr, error: why });
      },
    );
  });
}

/**
 * `file(line,col): error TSnnnn: message` lines, and `error TSnnnn: message` for the check as a whole;
 * a message's further lines (its chain of reasons) are indented.
 */
function parseDiagnostics(stdout: string, dir: string): { inUpload: Diagnostic[]; printed: boolean } {
  const inUpload: Diagnostic[] = [];
  let printed = false;
  let last: Diagnostic | undefined;
  for (const line of stdout.split(/\r?\n/)) {
    if (last && /^\s/.test(line) && line.trim() !== "") {
      last.message += `\n${line}`;
      continue;
    }
    const match = DIAGNOSTIC.exec(line);
    last = undefined;
    if (!match) continue;
    printed = true;
    const [, path, lineText, columnText, code, message] = match;
    last = compilerDiagnostic(
      dir,
      Number(code),
      message ?? "",
      path && {
        path,
        line: Number(lineText),
        column: Number(columnText),
      },
    );
    if (last) inUpload.push(last);
  }
  return { inUpload, printed };
}

/**
 * A compiler's error as a build diagnostic, at its upload-relative file:line:col (1-based); `at` is where
 * the compiler places it (its path absolute or relative to `dir`). Undefined for an error outside the
 * upload: only upload files are the pipeline author's to fix (the DSL's declarations are checked at build).
 */
export function compilerDiagnostic(
  dir: string,
  code: number,
  message: string,
  at: { path: string; line: number; column: number } | undefined | "",
): Diagnostic | undefined {
  const text = `TS${code}: ${message}`;
  if (!at) return errorAt("typecheck", text);
  const file = uploadFile(at.path, dir);
  if (file === undefined) return undefined;
  return errorAt("typecheck", text, { file, line: at.line, column: at.column });
}

/** The upload-relative path of a file the compiler names (relative to its working directory), if in the upload. */
function uploadFile(path: string, dir: string): string | undefined {
  const full = isAbsolute(path) ? path : join(dir, path);
  const inside = relative(join(dir, UPLOAD_DIR), full);
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) return undefined;
  return inside.split(sep).join("/");
}

interface Command {
  file: string;
  args: string[];
}

let compiler: Command | null | undefined;

/**
 * The native compiler: spawning its binary directly spares starting Node a second time (the `tsc`
 * launcher is a Node script that only finds and runs it). `typescript/bin/tsc` only when the platform's
 * binary package is missing. Null when neither is installed.
 */
function nativeCompiler(): Command | null {
  if (compiler !== undefined) return compiler;
  const require = createRequire(import.meta.url);
  const resolved = (id: string) => {
    try {
      return require.resolve(id);
    } catch {
      return undefined;
    }
  };
  const platform = resolved(`@typescript/typescript-${process.platform}-${process.arch}/package.json`);
  const binary = platform && join(dirname(platform), "lib", process.platform === "win32" ? "tsc.exe" : "tsc");
  const launcher = resolved("typescript/package.json");
  compiler =
    binary && existsSync(binary)
      ? { file: binary, args: [] }
      : launcher
        ? { file: process.execPath, args: [join(dirname(launcher), "bin", "tsc")] }
        : null;
  return compiler;
}

/**
 * This installation's DSL declarations; its sources when they are not built, or when this module runs
 * from source and the sources changed since they were (declarations a build emitted beside a bundle
 * are always its own).
 */
export function defaultTypesEntry(): string {
  const declarations = findInstalled(DSL_DECLARATIONS);
  if (!declarations) return defaultDslEntry();
  if (!import.meta.url.endsWith(".ts")) return declarations;
  const sources = defaultDslEntry();
  const emitted = statSync(declarations).mtimeMs;
  const folders = [dirname(sources), join(dirname(sources), "..", "argo")];
  const newer = folders.some((folder) =>
    readdirSync(folder).some((name) => statSync(join(folder, name)).mtimeMs > emitted),
  );
  return newer ? sources : declarations;
}

import type { CompilerHost, CompilerOptions, Program, SourceFile } from "typescript";
import { type Diagnostic, errorAt } from "./diagnostics";
import { defaultDslEntry } from "./dsl-bundle";

export interface TypecheckOptions {
  /** The DSL's entry module on disk, which `skiff` resolves to. Default: this installation's lib/dsl/index.ts. */
  dslEntry?: string;
}

// Upload files live under a virtual root, so nothing on disk can shadow or leak into them.
const UPLOAD_ROOT = "/__skiff_upload__/";

// Library and DSL source files parse once per process; warm in-process builds only re-parse the upload.
const sharedFiles = new Map<string, SourceFile>();
let previous: Program | undefined;

/**
 * Type-checks a pipeline and its sibling files against the DSL's types with TypeScript's checker. Only
 * diagnostics in upload files are reported, as file:line:col.
 */
export async function typecheckPipeline(
  sources: ReadonlyMap<string, string>,
  options: TypecheckOptions = {},
): Promise<Diagnostic[]> {
  const ts = (await import("typescript")).default;
  const dslEntry = options.dslEntry ?? defaultDslEntry();
  const compilerOptions: CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2023.d.ts"],
    types: [],
    noEmit: true,
    skipLibCheck: true,
    isolatedModules: true,
    allowImportingTsExtensions: true,
    resolveJsonModule: true,
    paths: { skiff: [dslEntry] },
  };
  const host: CompilerHost = ts.createCompilerHost(compilerOptions, true);
  const upload = (fileName: string) =>
    fileName.startsWith(UPLOAD_ROOT) ? sources.get(fileName.slice(UPLOAD_ROOT.length)) : undefined;
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (fileName) =>
    fileName.startsWith(UPLOAD_ROOT) ? upload(fileName) !== undefined : fileExists(fileName);
  host.readFile = (fileName) => (fileName.startsWith(UPLOAD_ROOT) ? upload(fileName) : readFile(fileName));
  // Module resolution probes directories (`./shared/steps` → /__skiff_upload__/shared); the upload's exist.
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (dir) => {
    const path = dir.endsWith("/") ? dir : `${dir}/`;
    if (UPLOAD_ROOT.startsWith(path)) return true;
    if (!path.startsWith(UPLOAD_ROOT)) return directoryExists ? directoryExists(dir) : true;
    const prefix = path.slice(UPLOAD_ROOT.length);
    return [...sources.keys()].some((file) => file.startsWith(prefix));
  };
  host.realpath = (path) => path;
  host.getSourceFile = (fileName, languageVersion, onError) => {
    const text = upload(fileName);
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
    if (fileName.startsWith(UPLOAD_ROOT)) return undefined;
    const cached = sharedFiles.get(fileName);
    if (cached) return cached;
    const file = getSourceFile(fileName, languageVersion, onError);
    if (file) sharedFiles.set(fileName, file);
    return file;
  };
  const rootNames = [...sources.keys()].filter((p) => /\.(m?ts|tsx)$/.test(p)).map((p) => UPLOAD_ROOT + p);
  const program = ts.createProgram({ rootNames, options: compilerOptions, host, oldProgram: previous });
  previous = program;
  const out: Diagnostic[] = [];
  for (const fileName of rootNames) {
    const file = program.getSourceFile(fileName);
    if (!file) continue;
    for (const d of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]) {
      const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
      const where =
        d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const site = where && {
        file: fileName.slice(UPLOAD_ROOT.length),
        line: where.line + 1,
        column: where.character + 1,
      };
      out.push({ ...errorAt("typecheck", `TS${d.code}: ${message}`, site) });
    }
  }
  return out;
}

/** A finding of the compiler or its linter about a pipeline, recorded with the version it built. */
export interface Diagnostic {
  severity: "error" | "warning";
  /** Stable machine code, e.g. `schema`, `unknown-reference`, `sandbox.import`. */
  code: string;
  message: string;
  /** Path into the spec, e.g. `spec.templates[2].dag.tasks[0].depends`. */
  path?: string;
  /** Location in user code, when the diagnostic comes from it. */
  file?: string;
  line?: number;
  column?: number;
}

/** A location in user code: upload-relative file, 1-based line and column. */
export interface CodeSite {
  file: string;
  line: number;
  column: number;
}

/** An error diagnostic, with the user-code site spread in when there is one. */
export function errorAt(code: string, message: string, site?: CodeSite, path?: string): Diagnostic {
  return {
    severity: "error",
    code,
    message,
    ...(path === undefined ? {} : { path }),
    ...(site === undefined ? {} : { file: site.file, line: site.line, column: site.column }),
  };
}

/** `file:line:col: severity code: message (at path)`, the way compilers print. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ""}` : ""}: ` : "";
  const path = d.path ? ` (at ${d.path})` : "";
  return `${where}${d.severity} ${d.code}: ${d.message}${path}`;
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean =>
  diagnostics.some((d) => d.severity === "error");

/** Thrown for failures of the build machinery itself (not of the pipeline), wrapping the cause. */
export class BuildError extends Error {
  override readonly name = "BuildError";
}

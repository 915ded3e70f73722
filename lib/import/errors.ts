/** A document the importer cannot read or does not import, named by file and line (1-based). */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: number,
    options?: { cause?: unknown },
  ) {
    super(
      `${file}${line === undefined ? "" : `:${line}${column === undefined ? "" : `:${column}`}`}: ${message}`,
      options,
    );
    this.name = "ImportError";
  }
}

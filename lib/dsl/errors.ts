/** Where user code created a DSL object, exactly as V8 reported the frame (bundled positions included). */
export interface SourceSite {
  file: string;
  line: number;
  column: number;
}

/** A pipeline misuses the DSL (thrown while the pipeline module is being evaluated). */
export class DslError extends Error {
  override readonly name = "DslError";
  /** Where the offending object was created in user code, when known. */
  readonly site?: SourceSite;

  constructor(message: string, options: { site?: SourceSite; cause?: unknown } = {}) {
    super(
      options.site
        ? `${message} (at ${options.site.file}:${options.site.line}:${options.site.column})`
        : message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    if (options.site) this.site = options.site;
  }
}

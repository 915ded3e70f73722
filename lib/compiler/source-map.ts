import { SourceMap } from "node:module";
import { UPLOAD_NAMESPACE } from "./bundle";
import type { CodeSite } from "./diagnostics";

const UPLOAD_PREFIX = `${UPLOAD_NAMESPACE}:`;
// `    at fn (file:12:5)` or `    at file:12:5`
const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

/** Maps V8 positions in the bundle back to upload files through esbuild's source map. */
export class BundleSourceMap {
  private readonly map: SourceMap;

  constructor(
    sourceMapJson: string,
    /** The bundle's name in V8 stack frames. */
    readonly filename: string,
  ) {
    this.map = new SourceMap(JSON.parse(sourceMapJson));
  }

  /** A 1-based V8 position in the bundle → upload file, 1-based line and column; undefined outside the upload. */
  toUpload(line: number, column: number): CodeSite | undefined {
    if (!Number.isFinite(line) || !Number.isFinite(column) || line < 1) return undefined;
    const entry = this.map.findEntry(line - 1, Math.max(0, column - 1)) as {
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
    };
    const source = entry?.originalSource;
    if (typeof source !== "string" || entry.originalLine === undefined) return undefined;
    const at = source.indexOf(UPLOAD_PREFIX);
    if (at < 0) return undefined;
    return {
      file: source.slice(at + UPLOAD_PREFIX.length),
      line: entry.originalLine + 1,
      column: (entry.originalColumn ?? 0) + 1,
    };
  }

  /** A site as V8 reported it, when it lies in this bundle. */
  mapSite(site: { file: string; line: number; column: number } | undefined): CodeSite | undefined {
    if (!site?.file.endsWith(this.filename)) return undefined;
    return this.toUpload(site.line, site.column);
  }

  /** The first stack frame that lies in user code. */
  firstUserFrame(stack: string | undefined): CodeSite | undefined {
    for (const line of (stack ?? "").split("\n")) {
      const match = FRAME.exec(line);
      if (!match) continue;
      const [, file, lineNo, column] = match;
      const site = this.mapSite({ file, line: Number(lineNo), column: Number(column) });
      if (site) return site;
    }
    return undefined;
  }

  /** Rewrites bundle positions quoted in a message (`pipeline.bundle.js:12:5`) as upload positions. */
  rewriteMessage(message: string): string {
    const pattern = new RegExp(`(?:[^\\s()]*/)?${escapeRegExp(this.filename)}:(\\d+):(\\d+)`, "g");
    return message.replace(pattern, (whole, line: string, column: string) => {
      const site = this.toUpload(Number(line), Number(column));
      return site ? `${site.file}:${site.line}:${site.column}` : whole;
    });
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

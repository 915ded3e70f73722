import type { SourceSite } from "./errors";

// Frames of the DSL itself, when it runs unbundled (tests, the type checker's world).
const DSL_FRAME = /[\\/]lib[\\/]dsl[\\/]/;
const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;
// The user frame is almost always the first one above the entry (each captured frame costs: one is
// ~40% cheaper than three); the deeper walk is the rare fallback.
const FRAME_LIMITS = [1, 16];
// Node ≥ 20.?? exposes its own default formatter as `Error.prepareStackTrace`; it is not a custom one.
const NODE_DEFAULT_FORMATTER = "ErrorPrepareStackTrace";

type AnyFunction = (...args: never[]) => unknown;

interface V8CallSite {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
}

function isUserFile(file: string): boolean {
  return !DSL_FRAME.test(file) && !file.startsWith("node:");
}

/** Reads V8's structured frames (no stack string is formatted, which is most of the cost of a trace). */
function structuredSite(entry: AnyFunction, frameLimit: number): SourceSite | undefined | null {
  const original = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  const holder: { stack?: unknown } = {};
  try {
    Error.prepareStackTrace = (_error, frames) => frames;
    Error.stackTraceLimit = frameLimit;
    Error.captureStackTrace(holder, entry);
    const frames = holder.stack;
    if (!Array.isArray(frames)) return null;
    for (const frame of frames as V8CallSite[]) {
      const file = frame.getFileName();
      const line = frame.getLineNumber();
      const column = frame.getColumnNumber();
      if (!file || line === null || column === null || !isUserFile(file)) continue;
      return { file, line, column };
    }
    return undefined;
  } catch {
    return null;
  } finally {
    try {
      Error.prepareStackTrace = original;
      Error.stackTraceLimit = limit;
    } catch {
      // Frozen Error statics: nothing was changed.
    }
  }
}

/** The same from the formatted stack text, for hosts where `Error.prepareStackTrace` cannot be replaced. */
function textSite(entry: AnyFunction): SourceSite | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = FRAME_LIMITS[FRAME_LIMITS.length - 1];
    Error.captureStackTrace(holder, entry);
  } catch {
    // A host with frozen Error statics: no site, rather than a failed build.
    return undefined;
  } finally {
    if (Error.stackTraceLimit !== limit) Error.stackTraceLimit = limit;
  }
  for (const line of (holder.stack ?? "").split("\n").slice(1)) {
    const match = FRAME.exec(line);
    if (!match) continue;
    const [, file, lineNo, column] = match;
    if (!isUserFile(file)) continue;
    return { file, line: Number(lineNo), column: Number(column) };
  }
  return undefined;
}

/**
 * The call site of `entry` in user code, as the host reports it. `Error.captureStackTrace` drops every frame from `entry` up, so the
 * answer is right even when the DSL and the pipeline are bundled into one file; DSL frames are skipped too.
 */
export function callSite(entry: AnyFunction): SourceSite | undefined {
  // A host that formats stacks itself (source-map support, test runners) reports positions its own way;
  // honour it. Plain V8 (the build sandbox) gets the fast structured path.
  const custom = Error.prepareStackTrace;
  if (custom !== undefined && custom.name !== NODE_DEFAULT_FORMATTER) return textSite(entry);
  for (const limit of FRAME_LIMITS) {
    const site = structuredSite(entry, limit);
    if (site === null) return textSite(entry);
    if (site) return site;
  }
  return undefined;
}

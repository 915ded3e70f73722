import type { SourceSite } from "./errors";

// Frames of the DSL itself, when it runs unbundled (tests, the type checker's world).
const DSL_FRAME = /[\\/]lib[\\/]dsl[\\/]/;
const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

type AnyFunction = (...args: never[]) => unknown;

/**
 * The call site of `entry` in user code. `Error.captureStackTrace` drops every frame from `entry` up, so the
 * answer is right even when the DSL and the pipeline are bundled into one file; DSL frames are skipped too.
 */
export function callSite(entry: AnyFunction): SourceSite | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 20;
  try {
    Error.captureStackTrace(holder, entry);
  } finally {
    Error.stackTraceLimit = limit;
  }
  for (const line of (holder.stack ?? "").split("\n").slice(1)) {
    const match = FRAME.exec(line);
    if (!match) continue;
    const [, file, lineNo, column] = match;
    if (DSL_FRAME.test(file) || file.startsWith("node:")) continue;
    return { file, line: Number(lineNo), column: Number(column) };
  }
  return undefined;
}

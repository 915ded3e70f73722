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

// Frames a deferred capture keeps: the user frame is almost always the first; a builtin (`forEach`) or
// a DSL helper may come first.
const DEFERRED_FRAMES = 4;

/**
 * How the DSL records where user code called it, in this realm:
 * - `resolve` (the default): file:line:col right away;
 * - `defer`: frames captured at the call, resolved when first read (resolving costs more than capturing,
 *   and grows with the size of the calling function, as V8 scans its position table);
 * - `skip`: not at all. The compiler evaluates a pipeline this way first, and again with `defer` only
 *   when a diagnostic needs placing: a clean build never pays for its call sites.
 */
export type CallSiteCapture = "resolve" | "defer" | "skip";
let capture: CallSiteCapture = "resolve";

/** Sets how call sites are recorded from now on in this realm (the compiler's bundle entry sets it). */
export function setCallSiteCapture(mode: CallSiteCapture): void {
  capture = mode;
}

/** Reads the first user frame of a deferred capture (`undefined` fields when there is none). */
function resolveCaptured(holder: { stack?: unknown }): SourceSite | undefined {
  const original = Error.prepareStackTrace;
  let replaced = false;
  let frames: unknown;
  try {
    Error.prepareStackTrace = (_error, structured) => structured;
    replaced = true;
  } catch {
    // Frozen Error statics: the frames come formatted.
  }
  try {
    frames = holder.stack;
  } catch {
    frames = undefined;
  } finally {
    if (replaced) Error.prepareStackTrace = original;
  }
  if (Array.isArray(frames)) {
    for (const frame of frames as V8CallSite[]) {
      const file = frame.getFileName();
      if (!file || !isUserFile(file)) continue;
      const line = frame.getLineNumber();
      const column = frame.getColumnNumber();
      if (line !== null && column !== null) return { file, line, column };
    }
    return undefined;
  }
  // A formatter that could not be replaced: its text, if it looks like V8's.
  for (const line of (typeof frames === "string" ? frames : "").split("\n")) {
    const match = FRAME.exec(line);
    if (match && isUserFile(match[1]))
      return { file: match[1], line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

/**
 * A site whose `file`, `line` and `column` are read from the captured frames on first access. Without a
 * user frame they read "", 0, 0, which the compiler maps to no file. (Prototype accessors: cheap to make;
 * readers copy the three fields out, as the compiler's entry does.)
 */
class DeferredSite implements SourceSite {
  #holder: { stack?: unknown } | undefined;
  #site: SourceSite | undefined;

  constructor(holder: { stack?: unknown }) {
    this.#holder = holder;
  }

  #read(): SourceSite | undefined {
    if (this.#holder !== undefined) {
      this.#site = resolveCaptured(this.#holder);
      this.#holder = undefined;
    }
    return this.#site;
  }

  get file(): string {
    return this.#read()?.file ?? "";
  }

  get line(): number {
    return this.#read()?.line ?? 0;
  }

  get column(): number {
    return this.#read()?.column ?? 0;
  }

  toJSON(): SourceSite {
    return { file: this.file, line: this.line, column: this.column };
  }
}

function deferredSite(entry: AnyFunction): SourceSite | undefined {
  const holder: { stack?: unknown } = {};
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = DEFERRED_FRAMES;
    Error.captureStackTrace(holder, entry);
  } catch {
    return undefined;
  } finally {
    if (Error.stackTraceLimit !== limit) Error.stackTraceLimit = limit;
  }
  return new DeferredSite(holder);
}

/**
 * The call site of `entry` in user code, as the host reports it. `Error.captureStackTrace` drops every frame from `entry` up, so the
 * answer is right even when the DSL and the pipeline are bundled into one file; DSL frames are skipped too.
 */
export function callSite(entry: AnyFunction): SourceSite | undefined {
  // A host that formats stacks itself (source-map support, test runners) reports positions its own way;
  // honour it. Plain V8 (the build sandbox) gets the fast structured path.
  if (capture === "skip") return undefined;
  if (capture === "defer") return deferredSite(entry);
  const custom = Error.prepareStackTrace;
  if (custom !== undefined && custom.name !== NODE_DEFAULT_FORMATTER) return textSite(entry);
  for (const limit of FRAME_LIMITS) {
    const site = structuredSite(entry, limit);
    if (site === null) return textSite(entry);
    if (site) return site;
  }
  return undefined;
}

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Template } from "../../argo";

/**
 * Absolute paths a step uses are mapped into its own directory (`<stepDir>/fs/<path>`): every path the template
 * declares (output parameters/artifacts, input artifacts) and anything under /tmp. Rewritten in command, args,
 * script source and env values, in one pass so that a rewritten path is never rewritten again.
 */
export class PathMapper {
  readonly fsRoot: string;
  private readonly pattern: RegExp;

  /**
   * @param hostPaths directories that are the host's own (the project, the engine's step directory): a `/tmp`
   *   path inside one of them is left alone, or a project checked out under /tmp would be mapped away from
   *   itself. Declared paths are always mapped.
   */
  constructor(
    stepDir: string,
    declared: string[],
    private readonly hostPaths: string[] = [],
  ) {
    this.fsRoot = isNormalAbsolute(stepDir) ? `${stepDir}/fs` : join(stepDir, "fs");
    if (declared.length === 0) {
      // Most steps declare nothing: only /tmp is mapped.
      this.pattern = pathPattern("/tmp");
      return;
    }
    const alternatives = [...new Set(declared.filter((p) => p.startsWith("/") && p.length > 1))]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp);
    alternatives.push("/tmp");
    this.pattern = pathPattern(alternatives.join("|"));
  }

  /** Where an absolute path of the step lives on the host. */
  map(path: string): string {
    // `join` only to normalize: not needed for `/tmp` and the like, and this runs several times per step.
    return isNormalAbsolute(path) ? this.fsRoot + path : join(this.fsRoot, path);
  }

  rewrite(text: string): string {
    if (!text.includes("/")) return text;
    return text.replace(this.pattern, (match: string, _path: string, offset: number) => {
      if (match === "/tmp" && this.isHostPath(text.slice(offset))) return match;
      return this.map(match);
    });
  }

  private isHostPath(rest: string): boolean {
    const token = /^[^\s'"`;|&<>()]+/.exec(rest)?.[0] ?? "";
    return this.hostPaths.some((dir) => token === dir || token.startsWith(`${dir}/`));
  }
}

/** An absolute path that normalizing leaves as it is (a `.` path segment is not told apart from a dot file). */
function isNormalAbsolute(path: string): boolean {
  return path.startsWith("/") && !path.includes("//") && !path.includes("/.") && !path.endsWith("/");
}

const patterns = new Map<string, RegExp>();

/** Compiled once per set of paths (usually just /tmp): a RegExp per step was a measurable cost. */
function pathPattern(alternatives: string): RegExp {
  let pattern = patterns.get(alternatives);
  if (!pattern) {
    // Global, but only used by replace(), which starts from lastIndex 0 and runs to the end synchronously.
    pattern = new RegExp(`(?<![\\w.\\-/])(${alternatives})(?![\\w.\\-])`, "g");
    if (patterns.size >= 1000) patterns.clear();
    patterns.set(alternatives, pattern);
  }
  return pattern;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Every absolute path a template declares. */
export function declaredPaths(t: Template): string[] {
  const paths: string[] = [];
  for (const p of t.outputs?.parameters ?? []) if (p.valueFrom?.path) paths.push(p.valueFrom.path);
  for (const a of [...(t.outputs?.artifacts ?? []), ...(t.inputs?.artifacts ?? [])])
    if (a.path) paths.push(a.path);
  return paths;
}

/**
 * Resolves `argv[0]` as the image would: a shim of that name (for a bare name, or an absolute path absent on the
 * host), else, for an absolute path absent on the host (`/usr/local/bin/python3` of an image), the program of that
 * name on the host's PATH; otherwise as written.
 */
export function resolveExecutable(
  argv0: string,
  shimDir: string | undefined,
  shims: Record<string, string>,
  hostPath?: string,
): string {
  const absolute = argv0.startsWith("/");
  if (absolute && existsSync(argv0)) return argv0;
  const base = argv0.split("/").pop() ?? argv0;
  if (shimDir && Object.hasOwn(shims, base)) return join(shimDir, base);
  if (!absolute || !base || !hostPath) return argv0;
  for (const dir of hostPath.split(":")) {
    if (!dir.startsWith("/")) continue;
    const candidate = join(dir, base);
    if (existsSync(candidate)) return candidate;
  }
  return argv0;
}

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

  constructor(stepDir: string, declared: string[]) {
    this.fsRoot = join(stepDir, "fs");
    const alternatives = [...new Set(declared.filter((p) => p.startsWith("/") && p.length > 1))]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp);
    alternatives.push("/tmp");
    this.pattern = new RegExp(`(?<![\\w.\\-/])(${alternatives.join("|")})(?![\\w.\\-])`, "g");
  }

  /** Where an absolute path of the step lives on the host. */
  map(path: string): string {
    return join(this.fsRoot, path);
  }

  rewrite(text: string): string {
    return text.replace(this.pattern, (m) => this.map(m));
  }
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

/** Resolves `argv[0]` against the image's shims: a shim name, or an absolute path absent on the host. */
export function resolveExecutable(
  argv0: string,
  shimDir: string | undefined,
  shims: Record<string, string>,
): string {
  if (!shimDir) return argv0;
  const base = argv0.split("/").pop() ?? argv0;
  if (Object.hasOwn(shims, base) && (!argv0.startsWith("/") || !existsSync(argv0)))
    return join(shimDir, base);
  return argv0;
}

import { readFileSync } from "node:fs";
import { CORE_SCHEMA, load } from "js-yaml";
import { UsageError } from "./exit";

/**
 * `--override-file o.yaml` then each `--override path=value`, merged into one run request's `overrides`
 * (docs/security.md lists what a request may override; the API checks it). A flag reaches the fields whose
 * values are scalars: `nodeSelector.<label>`, `env.<NAME>`, `resources.requests|limits.<resource>`, `privileged`,
 * `hostNetwork`; lists and affinity go in the file.
 */
export function parseOverrides(
  flags: string[] | undefined,
  file: string | undefined,
): Record<string, unknown> {
  const overrides: Record<string, unknown> = file ? readOverrideFile(file) : {};
  for (const flag of flags ?? []) {
    const eq = flag.indexOf("=");
    if (eq <= 0) throw new UsageError(`--override expects path=value, got "${flag}"`);
    const path = flag.slice(0, eq);
    const value = flag.slice(eq + 1);
    const dot = path.indexOf(".");
    const field = dot < 0 ? path : path.slice(0, dot);
    const rest = dot < 0 ? "" : path.slice(dot + 1);
    switch (field) {
      case "nodeSelector":
      case "env":
        if (!rest) throw new UsageError(`--override ${field} needs a key: ${field}.<key>=<value>`);
        record(overrides, field)[rest] = value;
        break;
      case "resources": {
        const m = /^(requests|limits)\.(.+)$/.exec(rest);
        if (!m)
          throw new UsageError(
            `--override ${path}: expected resources.requests.<name> or resources.limits.<name>`,
          );
        record(record(overrides, "resources"), m[1])[m[2]] = value;
        break;
      }
      case "privileged":
      case "hostNetwork":
        if (rest || (value !== "true" && value !== "false")) {
          throw new UsageError(`--override ${field} expects true or false, got "${flag}"`);
        }
        overrides[field] = value === "true";
        break;
      default:
        throw new UsageError(
          `--override ${path}: a flag sets nodeSelector.<key>, env.<NAME>, resources.requests|limits.<name>, privileged or hostNetwork; put ${field} in --override-file`,
        );
    }
  }
  return overrides;
}

function readOverrideFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new UsageError(`--override-file ${file}: ${(cause as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = load(text, { schema: CORE_SCHEMA });
  } catch (cause) {
    throw new UsageError(`--override-file ${file}: not valid YAML or JSON: ${(cause as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UsageError(`--override-file ${file}: expected a mapping of overrides (nodeSelector, env, …)`);
  }
  return parsed as Record<string, unknown>;
}

/** The object at `key`, created when absent; a non-object there is a conflict between the file and a flag. */
function record(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const existing = parent[key];
  if (existing === undefined) {
    const created: Record<string, unknown> = {};
    parent[key] = created;
    return created;
  }
  if (typeof existing !== "object" || existing === null || Array.isArray(existing)) {
    throw new UsageError(`--override ${key}: the override file gives ${key} a value that is not a mapping`);
  }
  return existing as Record<string, unknown>;
}

import { compareKeys } from "./canonical";
import { writeYaml } from "./yaml-writer";

/**
 * Deterministic YAML for a spec: canonical key order, multi-line strings (scripts) as literal block
 * scalars, no line folding, no anchors. The same spec always gives byte-identical text, which YAML 1.1
 * readers (Go's parser behind kubectl and Argo) and YAML 1.2 readers read back to the same values.
 */
export function toYaml(spec: unknown): string {
  return writeYaml(spec, compareKeys);
}

export { canonicalize, toJson } from "./canonical";

import { compareKeys } from "./canonical";
import { writeYaml } from "./yaml-writer";

/**
 * Deterministic YAML for a manifest: canonical key order, multi-line strings (scripts) as literal block
 * scalars, no line folding, no anchors. The same manifest always gives byte-identical text, which YAML 1.1
 * readers (Go's parser behind kubectl and Argo) and YAML 1.2 readers read back to the same values.
 */
export function toYaml(manifest: unknown): string {
  return writeYaml(manifest, compareKeys);
}

export { canonicalize, toJson } from "./canonical";

import { canonicalize, compareKeys } from "./canonical";
import { writeYaml } from "./yaml-writer";

/**
 * Deterministic YAML for a manifest: canonical key order, multi-line strings (scripts) as literal block
 * scalars, no line folding, no anchors. The same manifest always gives byte-identical text. The text is
 * js-yaml's dump of the canonical manifest (js-yaml, not `yaml`: it quotes YAML 1.1 booleans such as `on`
 * and `yes` that Go's parser would otherwise read as booleans), written by a faster equivalent writer.
 */
export function toYaml(manifest: unknown): string {
  return writeYaml(manifest, compareKeys, canonicalize);
}

export { canonicalize, toJson } from "./canonical";

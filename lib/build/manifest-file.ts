import { loadAll, YAMLException } from "js-yaml";
import { type Diagnostic, errorAt } from "./diagnostics";

export interface ParsedManifests {
  /** Non-empty documents, in file order. */
  documents: unknown[];
  diagnostics: Diagnostic[];
}

/**
 * Parses a hand-written spec (YAML or JSON, possibly several `---` documents). js-yaml, not `yaml`: it is as
 * lenient as the Go parser kubectl and Argo use (multi-line flow scalars indented less than their key,
 * duplicate keys with the last one winning), so whatever Argo accepts reads here too.
 */
export function parseManifests(text: string, file: string): ParsedManifests {
  try {
    const documents = loadAll(text, null, { json: true, filename: file }).filter(
      (doc) => doc !== null && doc !== undefined,
    );
    return { documents, diagnostics: [] };
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const mark = error.mark as { line?: number; column?: number } | undefined;
    const site =
      mark?.line === undefined ? undefined : { file, line: mark.line + 1, column: (mark.column ?? 0) + 1 };
    return { documents: [], diagnostics: [errorAt("yaml.syntax", error.reason || error.message, site)] };
  }
}

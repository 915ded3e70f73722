import * as jsYaml from "js-yaml";
import { CORE_SCHEMA, loadAll, type Type, YAMLException } from "js-yaml";
import { type Diagnostic, errorAt } from "./diagnostics";

export interface ParsedSpecs {
  /** Non-empty documents, in file order. */
  documents: unknown[];
  diagnostics: Diagnostic[];
}

// YAML 1.2's core schema (unquoted dates stay strings, as Argo reads them) with YAML 1.1's merge keys, which
// Go's parser applies. A duplicate key is read as Go's parser reads it when not strict: the last one wins
// (one of Argo's own examples has one); `skiff lint` warns about it (./yaml-positions).
// (js-yaml exports its types; its type definitions do not declare them.)
const { merge } = (jsYaml as unknown as { types: { merge: Type } }).types;
const SCHEMA = CORE_SCHEMA.extend({ implicit: [merge] });

/**
 * Parses a hand-written spec (YAML or JSON, possibly several `---` documents): the one reader of specs for
 * `skiff lint` and `skiff run --local`. js-yaml, not `yaml`: it is as lenient as the Go parser kubectl and
 * Argo use where `yaml` is not (a quoted scalar whose continuation lines are indented less than its block,
 * as in eight of Argo's own examples), so whatever Argo accepts reads here too.
 */
export function parseSpecs(text: string, file: string): ParsedSpecs {
  try {
    const documents = loadAll(text, null, { schema: SCHEMA, json: true, filename: file }).filter(
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

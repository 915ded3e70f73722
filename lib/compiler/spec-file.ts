import * as jsYaml from "js-yaml";
import { CORE_SCHEMA, type LoadOptions, load, loadAll, type Type, YAMLException } from "js-yaml";
import { type Diagnostic, errorAt } from "./diagnostics";

export interface ParsedSpecs {
  /** Non-empty documents, in file order. */
  documents: unknown[];
  diagnostics: Diagnostic[];
}

// YAML 1.2's core schema (unquoted dates stay strings, as Argo reads them) with YAML 1.1's merge keys, which
// Go's parser applies. A duplicate key is read as Go's parser reads it when not strict: the last one wins
// (one of Argo's own examples has one); `skiff lint` warns about it (./yaml-positions, which finds positions with this same reader).
// (js-yaml exports its types; its type definitions do not declare them.)
const { merge } = (jsYaml as unknown as { types: { merge: Type } }).types;
const SCHEMA = CORE_SCHEMA.extend({ implicit: [merge] });

/** Every document of a spec file as the spec reader reads it (empty ones included); `listener` sees the parse. */
export function loadSpecDocuments(text: string, file: string, listener?: LoadOptions["listener"]): unknown[] {
  return loadAll(text, null, { schema: SCHEMA, json: true, filename: file, listener });
}

/**
 * One Spec read with the same rules, for Specs Skiff stored itself (written by ./yaml-writer): throws the
 * reader's YAMLException on anything but one well-formed document.
 */
export function readSpec(text: string): unknown {
  return load(text, { schema: SCHEMA, json: true });
}

/**
 * Parses a hand-written spec (YAML or JSON, possibly several `---` documents): the one reader of specs for
 * `skiff lint`, `skiff run --local` and `skiff import`. js-yaml is as lenient as the Go parser kubectl and
 * Argo use where stricter readers are not (a quoted scalar whose continuation lines are indented less than its
 * block, as in eight of Argo's own examples), so whatever Argo accepts reads here too.
 */
export function parseSpecs(text: string, file: string): ParsedSpecs {
  try {
    const documents = loadSpecDocuments(text, file).filter((doc) => doc !== null && doc !== undefined);
    return { documents, diagnostics: [] };
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const mark = error.mark as { line?: number; column?: number } | undefined;
    const site =
      mark?.line === undefined ? undefined : { file, line: mark.line + 1, column: (mark.column ?? 0) + 1 };
    return { documents: [], diagnostics: [errorAt("yaml.syntax", error.reason || error.message, site)] };
  }
}

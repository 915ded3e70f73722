// How tests read YAML back: js-yaml with YAML 1.2's core schema (what JSON-minded tools read: unquoted dates
// stay strings, no merge keys, a key given twice is an error). Hand-written specs are read as Skiff reads them,
// through lib/compiler/spec-file.ts, instead.
import { CORE_SCHEMA, load } from "js-yaml";

// biome-ignore lint/suspicious/noExplicitAny: tests read documents loosely and assert their values
export function parseYaml(text: string): any {
  return load(text, { schema: CORE_SCHEMA });
}

// `skiff lint` of a hand-written spec (YAML/JSON), apart from the CLI so that `skiff build` never loads it.
import type { Diagnostic } from "./diagnostics";
import { lintSpec } from "./lint";
import { parseSpecs } from "./spec-file";
import { yamlPositions } from "./yaml-positions";

/** Lints every document of a spec file; multi-document files prefix paths with the document's index. */
export function lintSpecText(text: string, file: string): Diagnostic[] {
  const parsed = parseSpecs(text, file);
  if (parsed.diagnostics.length > 0) return parsed.diagnostics;
  if (parsed.documents.length === 0)
    return [{ severity: "error", code: "yaml.empty", message: "no document in the file", file }];
  const { locators, duplicates } = yamlPositions(text);
  // Read as Go's parser reads it (the last one wins), but worth a warning: strict readers refuse it.
  const duplicated = duplicates.map(
    (at): Diagnostic => ({
      severity: "warning",
      code: "yaml.duplicate-key",
      message:
        "this key is already set in the same mapping; the last one wins, and strict YAML readers refuse it",
      file,
      ...at,
    }),
  );
  const linted = parsed.documents.flatMap((spec, i) =>
    lintSpec(spec).map((d) => {
      const at = locators[i]?.(d.path);
      const located: Diagnostic = at ? { ...d, file, line: at.line, column: at.column } : { ...d, file };
      return parsed.documents.length > 1
        ? { ...located, message: `document ${i + 1}: ${located.message}` }
        : located;
    }),
  );
  return [...duplicated, ...linted];
}

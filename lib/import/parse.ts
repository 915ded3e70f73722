// Reads a YAML stream into the Argo resources to import, each with the line its document starts on.
import { parseSpecs } from "../compiler/spec-file";
import { yamlPositions } from "../compiler/yaml-positions";
import { ImportError } from "./errors";

export const IMPORTABLE_KINDS = [
  "Workflow",
  "WorkflowTemplate",
  "ClusterWorkflowTemplate",
  "CronWorkflow",
] as const;
export type ImportableKind = (typeof IMPORTABLE_KINDS)[number];

export interface ImportDocument {
  kind: ImportableKind;
  /** The resource as plain JSON. */
  object: Record<string, unknown>;
  /** 1-based line of the document's first line in its file (undefined when it cannot be placed). */
  line: number | undefined;
  /** Where a path of the document (`spec.templates[2]`) is, when it can be placed. */
  locate(path: string): { line: number; column: number } | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The documents of `text`, refusing anything that is not one of Argo's four workflow kinds. Values come from
 * the one reader of hand-written Specs (lib/compiler/spec-file.ts, as lenient as Argo's), positions from the same
 * reader (lib/compiler/yaml-positions.ts).
 */
export function parseDocuments(text: string, file: string): ImportDocument[] {
  const parsed = parseSpecs(text, file);
  const error = parsed.diagnostics[0];
  if (error) throw new ImportError(`not valid YAML: ${error.message}`, file, error.line, error.column);
  const { locators, lines } = yamlPositions(text);
  const placed = lines.length === parsed.documents.length;
  return parsed.documents.map((value, index) => {
    const line = placed ? lines[index] : undefined;
    if (!isRecord(value))
      throw new ImportError("a document must be a mapping (an Argo resource)", file, line);
    const kind = value.kind;
    if (!IMPORTABLE_KINDS.includes(kind as ImportableKind)) {
      throw new ImportError(
        `cannot import kind ${JSON.stringify(kind ?? null)}: skiff import reads ${IMPORTABLE_KINDS.join(", ")}`,
        file,
        line,
      );
    }
    if (!isRecord(value.spec)) throw new ImportError(`the ${String(kind)} has no spec`, file, line);
    const locator = placed ? locators[index] : undefined;
    return { kind: kind as ImportableKind, object: value, line, locate: (path) => locator?.(path) };
  });
}

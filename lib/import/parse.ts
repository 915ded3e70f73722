// Reads a YAML stream into the Argo resources to import, each with the line its document starts on.
import { LineCounter, parseAllDocuments } from "yaml";
import { parseSpecs } from "../compiler/spec-file";
import { ImportError } from "./errors";

export const IMPORTABLE_KINDS = ["Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"] as const;
export type ImportableKind = (typeof IMPORTABLE_KINDS)[number];

export interface ImportDocument {
  kind: ImportableKind;
  /** The resource as plain JSON. */
  object: Record<string, unknown>;
  /** 1-based line of the document's first line in its file. */
  line: number;
  /** 0-based position among the file's non-empty documents. */
  index: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The documents of `text`, refusing anything that is not one of Argo's four workflow kinds. YAML is read with
 * `yaml` (1.2 core schema, merge keys, a repeated key's last value wins as in Go's reader). Argo's own reader
 * also accepts a quoted scalar whose continuation lines are indented less than its block, which `yaml`
 * rejects; for such a file the values come from the reader `skiff lint` uses, and positions from `yaml`.
 */
export function parseDocuments(text: string, file: string): ImportDocument[] {
  const lines = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: lines, merge: true, uniqueKeys: false });
  const docs = Array.isArray(parsed) ? parsed : [];
  const located = docs
    .map((doc) => ({ doc, line: lines.linePos(doc.contents?.range[0] ?? doc.range[0]).line }))
    .filter(({ doc }) => doc.contents !== null);
  let values: unknown[];
  const broken = docs.flatMap((doc) => doc.errors);
  if (broken.length === 0) {
    values = located.map(({ doc }) => doc.toJS({ maxAliasCount: -1 }));
  } else {
    const lenient = parseSpecs(text, file);
    if (lenient.diagnostics.length > 0 || lenient.documents.length !== located.length) {
      const first = broken[0];
      const pos = lines.linePos(first.pos[0]);
      throw new ImportError(`not valid YAML: ${first.message.split("\n")[0]}`, file, pos.line, pos.col);
    }
    values = lenient.documents;
  }
  return values.map((value, index) => {
    const line = located[index].line;
    if (!isRecord(value)) throw new ImportError("a document must be a mapping (an Argo resource)", file, line);
    const kind = value.kind;
    if (!IMPORTABLE_KINDS.includes(kind as ImportableKind)) {
      throw new ImportError(
        `cannot import kind ${JSON.stringify(kind ?? null)}: skiff import reads ${IMPORTABLE_KINDS.join(", ")}`,
        file,
        line,
      );
    }
    if (!isRecord(value.spec)) throw new ImportError(`the ${String(kind)} has no spec`, file, line);
    return { kind: kind as ImportableKind, object: value, line, index };
  });
}

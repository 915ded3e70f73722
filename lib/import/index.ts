// `skiff import`: Argo YAML → an idiomatic pipeline.ts written with Skiff's DSL.
import type { DocContext } from "./context";
import { writeDocument } from "./document";
import { modernise } from "./modernise";
import { Namer } from "./names";
import { type ImportDocument, parseDocuments } from "./parse";

export { canonicalDepends } from "./depends";
export { ImportError } from "./errors";
export { formatTypeScript } from "./format";
export { IMPORTABLE_KINDS, type ImportDocument, parseDocuments } from "./parse";

export interface ImportOptions {
  /** Import only this document (0-based among the file's documents); default: all of them. */
  document?: number;
}

// Every name `import { ... } from "skiff"` may bring in: taken before any variable is named.
const DSL_NAMES = [
  "and",
  "artifact",
  "bash",
  "clusterWorkflowTemplate",
  "configMapEnv",
  "container",
  "cronWorkflow",
  "dag",
  "declare",
  "eq",
  "ex",
  "fieldEnv",
  "ge",
  "gt",
  "http",
  "item",
  "itemField",
  "le",
  "lt",
  "matches",
  "ne",
  "node",
  "not",
  "or",
  "param",
  "python",
  "pythonScript",
  "rawTemplate",
  "resource",
  "resourceEnv",
  "script",
  "secretEnv",
  "shell",
  "steps",
  "suspend",
  "templateRef",
  "workflow",
  "workflowArguments",
  "workflowRef",
  "workflowTemplate",
  // Block parameters of dag/steps/parallel.
  "d",
  "s",
  "p",
  "self",
];

function exportName(doc: ImportDocument, namer: Namer): string {
  const metadata = (doc.object.metadata ?? {}) as { name?: unknown; generateName?: unknown };
  const name = typeof metadata.name === "string" ? metadata.name : metadata.generateName;
  return namer.fresh(typeof name === "string" ? name : doc.kind, doc.kind);
}

/**
 * The pipeline module for the documents of `text` (unformatted: see `formatTypeScript`). The first document is
 * the default export (what `skiff build` builds); every further one is a named export.
 */
export function importSource(text: string, file: string, options: ImportOptions = {}): string {
  let docs = parseDocuments(text, file);
  if (options.document !== undefined) {
    const doc = docs[options.document];
    if (!doc)
      throw new RangeError(
        `${file} has ${docs.length} document(s); there is no document ${options.document}`,
      );
    docs = [doc];
  }
  const ctx: DocContext = {
    file,
    namer: new Namer(DSL_NAMES),
    imports: new Set(),
    templates: new Map(),
    refs: new Map(),
    statements: [],
  };
  const blocks: string[] = [];
  docs.forEach((doc, position) => {
    ctx.statements = [];
    const call = writeDocument({ ...doc, object: modernise(doc.object) as ImportDocument["object"] }, ctx);
    const where = `${doc.kind} from ${file.replace(/^.*[\\/]/, "")}${doc.line === undefined ? "" : `:${doc.line}`}`;
    const statement =
      position === 0 ? `export default ${call};` : `export const ${exportName(doc, ctx.namer)} = ${call};`;
    blocks.push([`// ${where}`, ...ctx.statements, statement].join("\n\n"));
  });
  const imports = [...ctx.imports].sort(
    (a, b) => a.localeCompare(b, "en", { sensitivity: "base" }) || (a < b ? -1 : 1),
  );
  return `import { ${imports.join(", ")} } from "skiff";\n\n${blocks.join("\n\n")}\n`;
}

import { createRequire } from "node:module";
import type * as YamlModule from "yaml";

// Loaded on first use: only linting a hand-written file needs positions, and `skiff build` should not pay for it.
let yamlModule: typeof YamlModule | undefined;
const loadYaml = () => {
  yamlModule ??= createRequire(import.meta.url)("yaml") as typeof YamlModule;
  return yamlModule;
};

/** Finds where a spec path (`spec.templates[0].name`) sits in one YAML document: 1-based line and column. */
export type PathLocator = (path: string | undefined) => { line: number; column: number } | undefined;

function segments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    if (match[2] !== undefined) out.push(Number(match[2]));
    else if (match[3] !== undefined) out.push(JSON.parse(`"${match[3]}"`));
    else out.push(match[1]);
  }
  return out;
}

/** A key given twice in one mapping, where its second occurrence is (1-based). */
export interface DuplicateKey {
  line: number;
  column: number;
}

/**
 * Locators for each document of a YAML file, so lint diagnostics on hand-written specs get file:line:col,
 * and the keys given twice in a mapping. Documents the `yaml` parser finds malformed (Go's parser is more
 * lenient) get a locator that finds nothing; a duplicate key alone does not make a document malformed.
 */
export function yamlPositions(text: string): { locators: PathLocator[]; duplicates: DuplicateKey[] } {
  const { LineCounter, parseAllDocuments } = loadYaml();
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter });
  if (!Array.isArray(parsed)) return { locators: [], duplicates: [] };
  const documents = parsed.filter((doc) => doc.contents !== null);
  const duplicates: DuplicateKey[] = [];
  const locators = documents.map((doc): PathLocator => {
    const malformed = doc.errors.filter((error) => error.code !== "DUPLICATE_KEY");
    for (const error of doc.errors) {
      if (error.code !== "DUPLICATE_KEY") continue;
      const pos = lineCounter.linePos(error.pos[0]);
      duplicates.push({ line: pos.line, column: pos.col });
    }
    if (malformed.length > 0) return () => undefined;
    return (path) => {
      if (!path) return undefined;
      const parts = segments(path);
      // The deepest node that exists: a missing field is reported where its parent is.
      for (let n = parts.length; n >= 0; n--) {
        const node = n === 0 ? doc.contents : doc.getIn(parts.slice(0, n), true);
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        if (range) {
          const pos = lineCounter.linePos(range[0]);
          return { line: pos.line, column: pos.col };
        }
      }
      return undefined;
    };
  });
  return { locators, duplicates };
}

// Where the nodes of a hand-written spec sit, from the spec reader itself (./spec-file, js-yaml): js-yaml
// builds plain values, but its `listener` option reports where each node's parse opens and closes. The nesting
// of those events, laid over the values they produce, gives every node its place.
import type { State } from "js-yaml";
import { loadSpecDocuments } from "./spec-file";

/** Finds where a spec path (`spec.templates[0].name`) sits in one YAML document: 1-based line and column. */
export type PathLocator = (path: string | undefined) => { line: number; column: number } | undefined;

/** A key given twice in one mapping, where its second occurrence is (1-based). */
export interface DuplicateKey {
  line: number;
  column: number;
}

/** One node's parse: where it opened, where it closed, what it produced, and the parses nested in it. */
interface Parse {
  open: number;
  close: number;
  kind: string | null;
  tag: string | null;
  result: unknown;
  children: Parse[];
}

/** A node placed: its first character, and its members (a sequence's items, a mapping's entries). */
interface Placed {
  start: number;
  items?: (Placed | undefined)[];
  entries?: { key: string; keyStart: number; merge: boolean; value: Placed | undefined }[];
}

const MERGE_TAG = "tag:yaml.org,2002:merge";

function segments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    if (match[2] !== undefined) out.push(Number(match[2]));
    else if (match[3] !== undefined) out.push(JSON.parse(`"${match[3]}"`));
    else out.push(match[1]);
  }
  return out;
}

/** The parse events of one load, nested as js-yaml's composeNode calls nest, and the text they index. */
function recordParses() {
  const recorded = { roots: [] as Parse[], input: "" };
  const open: Parse[] = [];
  const listener = (event: "open" | "close", state: State) => {
    recorded.input = state.input;
    if (event === "open") {
      const parse: Parse = {
        open: state.position,
        close: -1,
        kind: null,
        tag: null,
        result: null,
        children: [],
      };
      (open.at(-1)?.children ?? recorded.roots).push(parse);
      open.push(parse);
      return;
    }
    const parse = open.pop();
    if (!parse) return;
    parse.close = state.position;
    parse.kind = state.kind ?? null;
    parse.tag = (state as State & { tag?: string | null }).tag ?? null;
    parse.result = state.result;
  };
  return { recorded, listener };
}

/**
 * Places the nodes of one document. `input` is the text as js-yaml read it (the same offsets as its events).
 * Anything that does not line up with the values the reader produced is left unplaced rather than misplaced:
 * a lookup then stops at the nearest placed ancestor.
 */
function placer(input: string) {
  // A node's events open where its parent stopped reading: skip separation space, comments and the node's
  // properties (`&anchor`, `!tag`) to its content.
  const startOf = (from: number): number => {
    let at = from;
    while (at < input.length) {
      const c = input[at];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") at++;
      else if (c === "#") while (at < input.length && input[at] !== "\n" && input[at] !== "\r") at++;
      else if (c === "&" || c === "!") while (at < input.length && !/[\s,[\]{}]/.test(input[at])) at++;
      else break;
    }
    return at;
  };
  const withoutComments = (text: string) => text.replace(/#[^\n\r]*/g, "");
  // js-yaml parses a block mapping's value by first trying it as a mapping: a flow collection or a scalar
  // that turns out not to be a key comes back as the one parse nested in the value's.
  const unwrap = (parse: Parse): Parse => {
    let at = parse;
    while (at.kind !== "scalar" && at.children.length === 1 && at.children[0].result === at.result)
      at = at.children[0];
    return at;
  };
  // Whether `next` is the value of the key `key`: only a `:` separates them (in a block mapping the value's
  // parse opens right after it; a key without a value is followed by the next key's text instead).
  const isValue = (key: Parse, next: Parse | undefined, flow: boolean): boolean => {
    if (!next) return false;
    const between = withoutComments(input.slice(key.close, next.open));
    return flow ? /^\s*:\s*$/.test(between) : /^\s*:$/.test(between);
  };
  // Key/value pairs of a mapping's nested parses (or of a flow sequence's single-pair mappings).
  const pairs = (children: Parse[], flow: boolean): { key: Parse; value: Parse | undefined }[] => {
    const out: { key: Parse; value: Parse | undefined }[] = [];
    for (let i = 0; i < children.length; i++) {
      const key = children[i];
      if (isValue(key, children[i + 1], flow)) out.push({ key, value: children[++i] });
      else if (key.kind !== null) out.push({ key, value: undefined });
    }
    return out;
  };
  const place = (raw: Parse): Placed => {
    const parse = unwrap(raw);
    // An empty node (`key:` and nothing; an alias has no kind either) is where its parse opened, right
    // after the indicator before it.
    const content = startOf(raw.open);
    const start = parse.kind === null && input[content] !== "*" ? raw.open : content;
    const flow = input[start] === "[" || input[start] === "{";
    if (parse.kind === "mapping" && parse.children.length > 0)
      return { start, entries: pairs(parse.children, flow).map(entry) };
    if (parse.kind === "sequence" && Array.isArray(parse.result)) {
      const items = flow ? flowItems(parse.children) : blockItems(parse, start);
      // Items that do not line up with the values read are left unplaced rather than misplaced.
      return items.length === parse.result.length ? { start, items } : { start };
    }
    return { start };
  };
  // A flow sequence's `[a: b]` item is a single-pair mapping.
  const flowItems = (children: Parse[]): Placed[] =>
    pairs(children, true).map((pair) =>
      pair.value ? { start: startOf(pair.key.open), entries: [entry(pair)] } : place(pair.key),
    );
  // An empty block item (`-` and nothing) has no parse: it shows as one more `-` before the next item's
  // (or before the sequence's end), and sits right after that `-`.
  const dashes = (from: number, to: number): number[] => {
    const found: number[] = [];
    for (let at = from; at < to; at++) {
      if (input[at] === "#") while (at < to && input[at] !== "\n" && input[at] !== "\r") at++;
      else if (input[at] === "-") found.push(at);
    }
    return found;
  };
  const blockItems = (sequence: Parse, start: number): (Placed | undefined)[] => {
    const items: (Placed | undefined)[] = [];
    let from = start;
    for (const item of sequence.children) {
      for (const dash of dashes(from, item.open).slice(0, -1)) items.push({ start: dash + 1 });
      items.push(place(item));
      from = item.close;
    }
    for (const dash of dashes(from, sequence.close)) items.push({ start: dash + 1 });
    return items;
  };
  const entry = ({ key, value }: { key: Parse; value: Parse | undefined }) => ({
    key: String(key.result),
    keyStart: startOf(key.open),
    merge: key.tag === MERGE_TAG,
    value: value && place(value),
  });
  return place;
}

/** 1-based line and column of an offset. */
function lineIndex(input: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && input.charCodeAt(i + 1) !== 0x0a)) starts.push(i + 1);
  }
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low] + 1 };
  };
}

function child(node: Placed, part: string | number): Placed | undefined {
  if (node.items) {
    const index = typeof part === "number" ? part : /^\d+$/.test(part) ? Number(part) : -1;
    return node.items[index];
  }
  // The reader keeps a repeated key's last value, so the path is there.
  return node.entries?.findLast((entry) => !entry.merge && entry.key === String(part))?.value;
}

/**
 * Locators for each non-empty document of a YAML file (the documents parseSpecs returns, in order), so lint
 * diagnostics on hand-written specs get file:line:col, where each document starts, and the keys given twice
 * in a mapping. A file the reader refuses has none of these (its syntax error is reported instead).
 */
export function yamlPositions(text: string): {
  locators: PathLocator[];
  duplicates: DuplicateKey[];
  /** The 1-based line each document's content starts on. */
  lines: number[];
} {
  const { recorded, listener } = recordParses();
  try {
    loadSpecDocuments(text, "", (event, state) => listener(event, state));
  } catch {
    return { locators: [], duplicates: [], lines: [] };
  }
  const { roots, input } = recorded;
  const place = placer(input);
  const position = lineIndex(input);
  const duplicates: DuplicateKey[] = [];
  const documents = roots.filter((root) => root.result !== null && root.result !== undefined).map(place);
  const visit = (node: Placed | undefined) => {
    if (!node) return;
    const seen = new Set<string>();
    for (const entry of node.entries ?? []) {
      if (!entry.merge && seen.has(entry.key)) duplicates.push(position(entry.keyStart));
      seen.add(entry.key);
      visit(entry.value);
    }
    for (const item of node.items ?? []) visit(item);
  };
  for (const document of documents) visit(document);
  const locators = documents.map(
    (document): PathLocator =>
      (path) => {
        if (!path) return undefined;
        // The deepest node that exists: a missing field is reported where its parent is.
        let node = document;
        for (const part of segments(path)) {
          const next = child(node, part);
          if (!next) break;
          node = next;
        }
        return position(node.start);
      },
  );
  return { locators, duplicates, lines: documents.map((document) => position(document.start).line) };
}

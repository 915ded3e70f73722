// The fast path for the usual upload: one file that imports nothing but `skiff`. oxc's transformer (a
// native module, in this process) strips the types, and the file's ES module syntax becomes the CommonJS
// body the harness calls, edited in place: every edit keeps the text's length and line breaks, so oxc's
// source map stays true. esbuild's transform, in its service process, took 5-8 ms of a warm 500-task build
// on a 2-core host; this takes about 1 ms. Anything unusual (a syntax error, JSX, `import()`, `import.meta`,
// re-exports, renamed exports) returns undefined, and the caller uses esbuild, which decides and reports.
import { createRequire } from "node:module";
import type { transformSync as OxcTransformSync } from "oxc-transform";

export interface TranspiledModule {
  /** The module as the body of a CommonJS function `(module, exports, require)`, on one line of its own prologue. */
  code: string;
  /** Source map (JSON text) of `code`, whose first line is the prologue; present only when asked for. */
  map?: string;
}

interface OxcBinding {
  transformSync: typeof OxcTransformSync;
}
type Lexer = typeof import("es-module-lexer");

const require = createRequire(import.meta.url);

/**
 * oxc's platform binding, loaded directly: the `oxc-transform` package is an ES module, which Node 20
 * would load through its ES module loader (~15 ms on a whole-process build) only to pick this package.
 */
function loadOxc(): OxcBinding | undefined {
  const { platform, arch } = process;
  const names =
    platform === "linux"
      ? [`linux-${arch}-gnu`, `linux-${arch}-musl`]
      : platform === "win32"
        ? [`win32-${arch}-msvc`]
        : [`${platform}-${arch}`];
  for (const name of names) {
    try {
      return require(`@oxc-transform/binding-${name}`) as OxcBinding;
    } catch {
      // Not installed for this platform: try the next, else esbuild does the work.
    }
  }
  return undefined;
}

let loaded: { oxc: OxcBinding; lexer: Lexer } | null | undefined;

/** oxc and the module lexer, loaded once; null when either is unavailable here. */
export function fastTranspiler(): { oxc: OxcBinding; lexer: Lexer } | null {
  if (loaded === undefined) {
    const oxc = loadOxc();
    try {
      const lexer = require("es-module-lexer") as Lexer;
      lexer.initSync();
      loaded = oxc ? { oxc, lexer } : null;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

// The local a default export is assigned to: 12 characters, so that `__skiff_dflt =` replaces
// `export default` exactly.
const DEFAULT_LOCAL = "__skiff_dflt";
const EXPORT_DEFAULT = "export default";
const TS_STEP = /\btsStep\b/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const NAMED_DECLARATION = /^export (?:const|let|var|class|function|async function)\b/;
const DEFAULT_DECLARATION = /^export default (?:async function|function|class)\b\s*\*?\s*([A-Za-z_$][\w$]*)?/;

/**
 * Whether the source uses tsStep, which ships a function's source text as its step's script: that text
 * is the transpiler's printing of it, so such pipelines keep esbuild's (as when they import sibling files).
 */
export function shipsFunctionSource(source: string): boolean {
  return TS_STEP.test(source);
}

/**
 * A one-file module importing only `skiff`, as a CommonJS function body, or undefined when it needs
 * esbuild. `file` names the source in the map (`upload:<path>`).
 */
export function transpileSkiffModule(
  file: string,
  source: string,
  options: { lang: "ts" | "js"; sourceMap: boolean },
): TranspiledModule | undefined {
  if (shipsFunctionSource(source)) return undefined;
  const tools = fastTranspiler();
  if (!tools) return undefined;
  const result = tools.oxc.transformSync(file, source, {
    lang: options.lang,
    sourceType: "module",
    target: "es2022",
    sourcemap: options.sourceMap,
  });
  if (result.errors.length > 0) return undefined;
  const module = commonJsBody(result.code, tools.lexer);
  if (!module) return undefined;
  if (!options.sourceMap) return { code: module };
  if (!result.map) return undefined;
  // The prologue is one more line at the top.
  const map = { ...result.map, mappings: `;${result.map.mappings}`, sourcesContent: undefined };
  return { code: module, map: JSON.stringify(map) };
}

/** `code` (plain ES module JavaScript) with its imports and exports turned into CommonJS, or undefined. */
function commonJsBody(code: string, lexer: Lexer): string | undefined {
  if (code.includes(DEFAULT_LOCAL)) return undefined;
  let imports: ReturnType<Lexer["parse"]>[0];
  let exports: ReturnType<Lexer["parse"]>[1];
  try {
    [imports, exports] = lexer.parse(code);
  } catch {
    return undefined;
  }
  // Edits as [start, end, replacement], each replacement as long as what it replaces.
  const edits: [number, number, string][] = [];
  const blank = (start: number, end: number) => {
    edits.push([start, end, code.slice(start, end).replace(/[^\n]/g, " ")]);
  };
  const prologue: string[] = [];
  const epilogue: string[] = [];
  for (const found of imports) {
    // Static imports of skiff only: no `import()`, no `import.meta`, no import attributes.
    if (found.t !== 1 || found.n !== "skiff" || found.a !== -1) return undefined;
    const bindings = importBindings(code.slice(found.ss, found.se));
    if (bindings === undefined) return undefined;
    prologue.push(...bindings);
    blank(found.ss, code[found.se] === ";" ? found.se + 1 : found.se);
  }
  for (const found of exports) {
    const at = code.slice(found.ss, found.ss + 80);
    if (found.n === "default") {
      if (!at.startsWith(EXPORT_DEFAULT)) return undefined;
      const declared = DEFAULT_DECLARATION.exec(at)?.[1];
      if (declared) {
        // A named function or class stays a declaration in scope; its name is exported at the end.
        blank(found.ss, found.ss + EXPORT_DEFAULT.length);
        epilogue.push(`exports.default = ${declared};`);
      } else {
        edits.push([found.ss, found.ss + EXPORT_DEFAULT.length, `${DEFAULT_LOCAL} =`]);
        prologue.push(`let ${DEFAULT_LOCAL};`);
        epilogue.push(`exports.default = ${DEFAULT_LOCAL};`);
      }
      continue;
    }
    // `export const x = …`, `export function f…`: the declaration stays, its names are exported at the end.
    if (found.ln !== found.n || !IDENTIFIER.test(found.n) || !NAMED_DECLARATION.test(at)) return undefined;
    blank(found.ss, found.ss + "export".length);
    epilogue.push(`exports.${found.n} = ${found.n};`);
  }
  edits.sort((a, b) => a[0] - b[0]);
  let body = "";
  let at = 0;
  for (const [start, end, replacement] of edits) {
    if (start < at) continue; // declarators of one `export const` share its keyword
    body += code.slice(at, start) + replacement;
    at = end;
  }
  body += code.slice(at);
  // What the lexer saw no entry for (`export {};`, say) would be a syntax error in a function body.
  try {
    if (lexer.parse(body)[3]) return undefined;
  } catch {
    return undefined;
  }
  return `${prologue.join(" ")}\n${body}\n${epilogue.join(" ")}`;
}

/**
 * The `const` declarations that bind what an `import … from "skiff"` statement imports, or undefined for
 * a form this path leaves to esbuild (string names, say).
 */
function importBindings(statement: string): string[] | undefined {
  const clause = /^import\s*([\s\S]*?)\s*from\s*["']skiff["']$/.exec(statement)?.[1];
  if (clause === undefined) return /^import\s*["']skiff["']$/.test(statement) ? [] : undefined;
  const bindings: string[] = [];
  const named = /^(?:([A-Za-z_$][\w$]*)\s*,\s*)?\{([^{}]*)\}$/.exec(clause);
  const namespace = /^(?:([A-Za-z_$][\w$]*)\s*,\s*)?\*\s*as\s+([A-Za-z_$][\w$]*)$/.exec(clause);
  const defaultOnly = /^([A-Za-z_$][\w$]*)$/.exec(clause);
  const defaultName = (named ?? namespace ?? defaultOnly)?.[1];
  if (defaultName !== undefined) bindings.push(`const ${defaultName} = require("skiff").default;`);
  if (namespace) bindings.push(`const ${namespace[2]} = require("skiff");`);
  if (named) {
    const pairs: string[] = [];
    for (const part of named[2].split(",")) {
      const item = part.trim();
      if (item === "") continue;
      const match = /^([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?$/.exec(item);
      if (!match) return undefined;
      pairs.push(match[2] ? `${match[1]}: ${match[2]}` : match[1]);
    }
    if (pairs.length > 0) bindings.push(`const { ${pairs.join(", ")} } = require("skiff");`);
  }
  if (!named && !namespace && !defaultOnly) return undefined;
  return bindings;
}

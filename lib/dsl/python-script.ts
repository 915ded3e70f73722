// Python scripts whose inputs are declared once (Hera's `@script`): each input parameter becomes a Python
// variable of the same name, parsed by a generated preamble exactly as Hera writes it, and typed defaults are
// serialised as Hera does (Python's json.dumps for everything but strings).
import type { DeclMap, ParamDecl, ParamOptions } from "./data";
import { DslError } from "./errors";
import { type PythonOptions, python } from "./scripts";
import { callSite } from "./site";
import type { SkiffTemplate } from "./template";

type Empty = Record<never, never>;

/** A float the way Python's `repr` writes it (`1.0`, `1e+16`, `1e-05`), which is what json.dumps emits. */
export function pythonFloat(value: number): string {
  if (!Number.isFinite(value)) {
    if (Number.isNaN(value)) return "NaN";
    return value > 0 ? "Infinity" : "-Infinity";
  }
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent < -4 || exponent >= 16) {
    const [mantissa, power] = value.toExponential().split("e");
    const sign = power.startsWith("-") ? "-" : "+";
    return `${mantissa}e${sign}${power.replace(/^[+-]/, "").padStart(2, "0")}`;
  }
  const text = String(value);
  return text.includes(".") ? text : `${text}.0`;
}

/** Python's `json.dumps` with its defaults: `", "` and `": "` separators, non-ASCII escaped as `\uXXXX`. */
export function pythonJsonDumps(value: unknown, float = false): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number")
    return float || !Number.isInteger(value) ? pythonFloat(value) : String(value);
  if (typeof value === "string") {
    return JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  }
  if (Array.isArray(value)) return `[${value.map((entry) => pythonJsonDumps(entry)).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, entry]) => entry !== undefined,
    );
    return `{${entries.map(([key, entry]) => `${pythonJsonDumps(key)}: ${pythonJsonDumps(entry)}`).join(", ")}}`;
  }
  throw new DslError(`a Python default cannot be a ${typeof value}`);
}

type PyOptions = Omit<ParamOptions, "default">;

function decl(defaultText: string | undefined, options: PyOptions): ParamDecl {
  return {
    kind: "parameter",
    options: defaultText === undefined ? options : { ...options, default: defaultText },
  };
}

/**
 * Typed Python parameters for `pythonScript`: without a default the input is required; a default is written
 * as Hera writes it (`py.int(42)` → "42", `py.float(1)` → "1.0", `py.bool(true)` → "true",
 * `py.json({ a: 1 })` → `{"a": 1}`, `py.str("x")` → "x", `py.optional()` → "null").
 */
export const py = Object.freeze({
  str: ((value?: string, options: PyOptions = {}) => decl(value, options)) as PyParam<string>,
  int: ((value?: number, options: PyOptions = {}) => {
    if (value !== undefined && !Number.isInteger(value))
      throw new DslError(`py.int(${value}): not an integer`);
    return decl(value === undefined ? undefined : String(value), options);
  }) as PyParam<number>,
  float: ((value?: number, options: PyOptions = {}) =>
    decl(value === undefined ? undefined : pythonFloat(value), options)) as PyParam<number>,
  bool: ((value?: boolean, options: PyOptions = {}) =>
    decl(value === undefined ? undefined : String(value), options)) as PyParam<boolean>,
  json: ((value?: unknown, options: PyOptions = {}) =>
    decl(value === undefined ? undefined : pythonJsonDumps(value), options)) as PyParam<unknown>,
  /** `Optional[...] = None`: defaults to "null" (None once parsed). */
  optional: (options: PyOptions = {}): ParamDecl<false> => decl("null", options) as ParamDecl<false>,
});

/** A `py.*` constructor: required without a default value. */
export interface PyParam<T> {
  (): ParamDecl<true>;
  /** No default, other options (`description`, `enum`, …): still required. */
  (value: undefined, options: PyOptions): ParamDecl<true>;
  (value: T, options?: PyOptions): ParamDecl<false>;
}

export type PythonScriptOptions<I extends DeclMap, O extends DeclMap> = PythonOptions<I, O> & {
  /** Prepend Hera's `sys.path.append(os.getcwd())` header, so the script imports modules beside it; default true. */
  addCwdToSysPath?: boolean;
};

/** The program Hera's inline `@script` generates: the optional path header, the preamble, then the body. */
export function pythonScriptSource(body: string, inputs: DeclMap, addCwdToSysPath: boolean): string {
  let source = addCwdToSysPath ? "import os\nimport sys\nsys.path.append(os.getcwd())\n" : "";
  const parsed = Object.entries(inputs)
    .filter(([, decl]) => decl.kind === "parameter" && decl.options.valueFrom === undefined)
    .map(([name]) => name)
    .sort();
  if (parsed.length > 0) {
    source += "import json\n";
    for (const name of parsed) {
      source += `try: ${name} = json.loads(r'''{{inputs.parameters.${name}}}''')\n`;
      source += `except: ${name} = r'''{{inputs.parameters.${name}}}'''\n`;
    }
    source += "\n";
  }
  return source + dedent(body);
}

/** Removes the indentation every non-blank line shares, and blank lines around the text. */
function dedent(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  while (lines.length > 0 && lines[0].trim() === "") lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  const indents = lines
    .filter((line) => line.trim() !== "")
    .map((line) => /^[ \t]*/.exec(line)?.[0].length ?? 0);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(Math.min(common, line.length))).join("\n");
}

const PYTHON_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PYTHON_KEYWORDS = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield".split(
    " ",
  ),
);

/**
 * A Python script whose input parameters are Python variables of the same name: `inputs: { n: py.int(3) }`
 * and `source: "print(n + 1)"`. The names are written once; the builder declares the inputs and generates
 * the preamble that parses each one (JSON when it parses, else the raw text), as Hera's `@script` does.
 * Image default `python:3.12`; `dependencies` as for `python`.
 */
export function pythonScript<I extends DeclMap = Empty, O extends DeclMap = Empty>(
  options: PythonScriptOptions<I, O>,
): SkiffTemplate<I, O> {
  const site = callSite(pythonScript);
  const { addCwdToSysPath, ...rest } = options;
  for (const [name, input] of Object.entries(options.inputs ?? {})) {
    if (input.kind !== "parameter") continue;
    if (!PYTHON_IDENTIFIER.test(name) || PYTHON_KEYWORDS.has(name)) {
      throw new DslError(
        `template "${options.name}": input "${name}" is not a Python variable name (letters, digits and _, not a keyword), so it cannot be a script parameter`,
        { site },
      );
    }
  }
  const source = pythonScriptSource(options.source, options.inputs ?? {}, addCwdToSysPath ?? true);
  return python({ ...rest, source });
}

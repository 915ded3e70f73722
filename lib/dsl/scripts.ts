import type { K8SEnvVar } from "../argo";
import type { DeclMap, ParamKeys } from "./data";
import { renderEnv } from "./env";
import { DslError } from "./errors";
import { callSite } from "./site";
import { type ScriptOptions, type SkiffTemplate, scriptTemplate } from "./template";

type Empty = Record<never, never>;

/** Script options where the image and interpreter have sensible defaults. */
export type LanguageOptions<I extends DeclMap, O extends DeclMap> = Omit<ScriptOptions<I, O>, "image"> & {
  /** Default: the language's image (see each builder). */
  image?: string;
};

/** A POSIX shell script (`sh`); image default `alpine`. */
export function shell<I extends DeclMap = Empty, O extends DeclMap = Empty>(
  options: LanguageOptions<I, O>,
): SkiffTemplate<I, O> {
  return scriptTemplate({ command: ["sh"], ...options, image: options.image ?? "alpine" }, callSite(shell));
}

/** A bash script; image default `bash` (use any image that has bash, e.g. `python:3.12`). */
export function bash<I extends DeclMap = Empty, O extends DeclMap = Empty>(
  options: LanguageOptions<I, O>,
): SkiffTemplate<I, O> {
  return scriptTemplate({ command: ["bash"], ...options, image: options.image ?? "bash" }, callSite(bash));
}

/** A Node.js script (CommonJS); image default `node:22`. */
export function node<I extends DeclMap = Empty, O extends DeclMap = Empty>(
  options: LanguageOptions<I, O>,
): SkiffTemplate<I, O> {
  return scriptTemplate({ command: ["node"], ...options, image: options.image ?? "node:22" }, callSite(node));
}

export type PythonOptions<I extends DeclMap, O extends DeclMap> = LanguageOptions<I, O> & {
  /** pip requirement specifiers (`"pandas"`, `"requests==2.32.3"`) installed before the script runs; default none. */
  dependencies?: readonly string[];
  /** The text of a requirements.txt, added to `dependencies`; default none. */
  requirements?: string;
};

const MAIN_MARKER = "SKIFF_PYTHON_MAIN";

function requirementList(options: { dependencies?: readonly string[]; requirements?: string }): string[] {
  const fromFile = (options.requirements ?? "")
    .split("\n")
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter((line) => line.length > 0);
  return [...(options.dependencies ?? []), ...fromFile].map((spec) => spec.replace(/\s+/g, ""));
}

/**
 * The shell program that runs a Python script with dependencies. It asks the image's Python which requirements
 * are missing (installed distribution + version specifier) and runs the script directly when none are, so it
 * works offline; otherwise it creates a venv that also sees the image's packages (`--system-site-packages`)
 * and pip-installs only the missing ones.
 */
export function pythonWithDependencies(source: string, requirements: readonly string[]): string {
  if (source.split("\n").some((line) => line.trim() === MAIN_MARKER)) {
    throw new DslError(`a Python script may not contain a line "${MAIN_MARKER}"`);
  }
  const check = [
    "import json, re, sys",
    "from importlib import metadata",
    "try:",
    "    from packaging.specifiers import SpecifierSet",
    "except ImportError:",
    "    try:",
    "        from pip._vendor.packaging.specifiers import SpecifierSet",
    "    except ImportError:",
    "        SpecifierSet = None",
    `for spec in json.loads(${JSON.stringify(JSON.stringify(requirements))}):`,
    "    match = re.match(r'^([A-Za-z0-9][A-Za-z0-9._-]*)(\\[[^\\]]*\\])?(.*)$', spec)",
    "    name, wanted = (match.group(1), match.group(3)) if match else (spec, '')",
    "    try:",
    "        version = metadata.version(name)",
    "    except metadata.PackageNotFoundError:",
    "        print(spec)",
    "        continue",
    "    if wanted and SpecifierSet is not None and version not in SpecifierSet(wanted.split(';')[0]):",
    "        print(spec)",
  ].join("\n");
  return [
    "set -euf",
    "# Skiff: install the missing Python requirements, then run the script.",
    "work=$(mktemp -d)",
    'main="$work/main.py"',
    `cat > "$main" <<'${MAIN_MARKER}'`,
    source,
    MAIN_MARKER,
    "missing=$(python3 - <<'SKIFF_PYTHON_CHECK'",
    check,
    "SKIFF_PYTHON_CHECK",
    ")",
    'if [ -z "$missing" ]; then exec python3 "$main"; fi',
    'echo "skiff: installing missing Python requirements:" $missing >&2',
    'venv="$work/venv"',
    'python3 -m venv --system-site-packages "$venv"',
    '"$venv/bin/python" -m pip install --disable-pip-version-check --no-input --quiet $missing',
    'exec "$venv/bin/python" "$main"',
  ].join("\n");
}

/**
 * A Python script; image default `python:3.12`. With `dependencies`/`requirements`, they are installed at run
 * time into a venv (only those the image lacks; see `pythonWithDependencies`).
 */
export function python<I extends DeclMap = Empty, O extends DeclMap = Empty>(
  options: PythonOptions<I, O>,
): SkiffTemplate<I, O> {
  const site = callSite(python);
  const { dependencies, requirements, ...rest } = options;
  const wanted = requirementList({ dependencies, requirements });
  const image = options.image ?? "python:3.12";
  if (wanted.length === 0) return scriptTemplate({ command: ["python"], ...rest, image }, site);
  let source: string;
  try {
    source = pythonWithDependencies(options.source, wanted);
  } catch (cause) {
    throw new DslError(`template "${options.name}": ${(cause as Error).message}`, { site, cause });
  }
  return scriptTemplate({ ...rest, command: ["sh"], source, image }, site);
}

// ---------------------------------------------------------------------------------------------------------
// TypeScript functions as steps.

export type TsStepOptions<I extends DeclMap, O extends DeclMap, R> = Omit<LanguageOptions<I, O>, "source"> & {
  /**
   * The step's code. It receives the input parameters as strings and its (awaited) return value becomes
   * `outputs.result` (strings as is, anything else as JSON). Its source text is shipped, so it must be
   * self-contained: no imports or variables from outside the function (use `require` inside it for Node
   * built-ins).
   */
  run: (inputs: { readonly [K in ParamKeys<I>]: string }) => R;
};

/** Turns a function's source text into an expression (method shorthand `f(x) {}` becomes `function f(x) {}`). */
export function functionExpression(fn: (...args: never[]) => unknown, where: string): string {
  const text = fn.toString().trim();
  if (text.includes("[native code]")) {
    throw new DslError(`${where}: the function's source is not available (bound or native function)`);
  }
  const isExpression = /^(async\s+)?(function\b|\(|[\w$]+\s*=>)/.test(text);
  if (isExpression) return text;
  if (!/^(async\s+)?\*?\s*[\w$]+\s*\(/.test(text)) {
    throw new DslError(`${where}: cannot ship this function's source: ${text.slice(0, 60)}`);
  }
  // Method shorthand (`run(inputs) { ... }`) is not an expression on its own.
  return text.startsWith("async") ? `async function ${text.slice(5).trimStart()}` : `function ${text}`;
}

/** The Node program that runs a shipped function (inputs come from environment variables set by Argo). */
export function tsStepSource(name: string, fnSource: string, inputNames: readonly string[]): string {
  const inputs = inputNames.map(
    (input, index) => `  ${JSON.stringify(input)}: process.env.SKIFF_INPUT_${index},`,
  );
  return [
    `// Skiff TypeScript step "${name}"`,
    "const inputs = {",
    ...inputs,
    "};",
    `const step = ${fnSource};`,
    "Promise.resolve()",
    "  .then(() => step(inputs))",
    "  .then(",
    "    (result) => {",
    '      if (result !== undefined) process.stdout.write(typeof result === "string" ? result : JSON.stringify(result));',
    "    },",
    "    (error) => {",
    "      console.error(error);",
    "      process.exitCode = 1;",
    "    },",
    "  );",
  ].join("\n");
}

/**
 * A step written as a TypeScript function, shipped as a Node script (image default `node:22`). Input
 * parameters reach it through environment variables (no quoting issues); the return value is the result.
 */
export function tsStep<I extends DeclMap = Empty, O extends DeclMap = Empty, R = unknown>(
  options: TsStepOptions<I, O, R>,
): SkiffTemplate<I, O> {
  const site = callSite(tsStep);
  const { run, ...rest } = options;
  let fnSource: string;
  try {
    fnSource = functionExpression(run as (...args: never[]) => unknown, `template "${options.name}"`);
  } catch (cause) {
    throw new DslError((cause as Error).message, { site, cause });
  }
  const inputNames = Object.entries(options.inputs ?? {})
    .filter(([, decl]) => decl.kind === "parameter")
    .map(([input]) => input);
  const inputEnv: K8SEnvVar[] = inputNames.map((input, index) => ({
    name: `SKIFF_INPUT_${index}`,
    value: `{{inputs.parameters.${input}}}`,
  }));
  const env = [...(renderEnv(options.env) ?? []), ...inputEnv];
  return scriptTemplate(
    {
      command: ["node"],
      ...rest,
      image: options.image ?? "node:22",
      env: env.length > 0 ? env : undefined,
      source: tsStepSource(options.name, fnSource, inputNames),
    },
    site,
  );
}

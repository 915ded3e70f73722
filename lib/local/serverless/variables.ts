// Resolves the serverless framework variables Skiff's serverless.yml uses, so that the embedded stack reads
// the same file osls deploys: `${self:a.b}`, `${sls:stage}`, `${opt:stage|region}`, `${env:NAME}`,
// `${file(./x.json)}` / `${file(./x.yml):a.b}`, with `, fallback` (a quoted literal, a number, or another
// variable) and nesting (`${self:a.${sls:stage}, 'x'}`). CloudFormation's own `${AWS::Region}` and
// `${Resource.Arn}` (inside Fn::Sub) are left untouched. osls's resolver needs its whole CLI runtime; this
// small one only covers those sources, and names any variable it cannot resolve.
import { readFileSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { parseCloudFormationYaml } from "./cloudformation-yaml";

export class ServerlessConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ServerlessConfigError";
  }
}

export interface ResolveOptions {
  /** Path of serverless.yml (relative `file(...)` paths start from its folder). */
  file: string;
  /** `--stage`; the file's `provider.stage` (`${opt:stage, 'dev'}`) decides when omitted. */
  stage?: string;
  /** `--region`. */
  region?: string;
  /** Environment for `${env:...}`. Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

const SOURCES = /^(self|sls|opt|env|file\()/;
/** A variable with no nested `${` inside: the next one to resolve. */
const INNERMOST = /\$\{([^${}]*)\}/g;

type Json = unknown;

export function resolveServerlessConfig(raw: Json, options: ResolveOptions): Json {
  const env = options.env ?? process.env;
  const resolving = new Set<string>();

  const lookup = (root: Json, address: string): Json => {
    let value: Json = root;
    for (const part of address.split(".").filter(Boolean)) {
      if (value === null || typeof value !== "object") return undefined;
      value = (value as Record<string, Json>)[part];
    }
    return value;
  };

  const resolveSelf = (address: string, variable: string): Json => {
    if (resolving.has(address))
      throw new ServerlessConfigError(`${options.file}: ${variable} refers to itself`);
    resolving.add(address);
    try {
      const value = lookup(raw, address);
      return value === undefined ? undefined : resolveDeep(value);
    } finally {
      resolving.delete(address);
    }
  };

  const resolveSource = (expression: string, variable: string): Json => {
    const fileMatch = /^file\(([^)]+)\)(?::(.*))?$/.exec(expression);
    if (fileMatch) {
      const path = resolve(dirname(options.file), fileMatch[1].trim());
      let content: Json;
      try {
        const text = readFileSync(path, "utf8");
        content = extname(path) === ".json" ? JSON.parse(text) : parseCloudFormationYaml(text, path);
      } catch (cause) {
        throw new ServerlessConfigError(`${options.file}: ${variable}: cannot read ${path}`, { cause });
      }
      const resolvedContent = resolveDeep(content);
      return fileMatch[2] ? lookup(resolvedContent, fileMatch[2]) : resolvedContent;
    }
    const colon = expression.indexOf(":");
    const source = expression.slice(0, colon);
    const address = expression.slice(colon + 1).trim();
    switch (source) {
      case "self":
        return address === "" ? resolveDeep(raw) : resolveSelf(address, variable);
      case "sls":
        if (address === "stage") return stage();
        if (address === "instanceId") return "local";
        return undefined;
      case "opt":
        if (address === "stage") return options.stage;
        if (address === "region") return options.region;
        return undefined;
      case "env":
        return env[address];
      default:
        return undefined;
    }
  };

  const stage = (): string => {
    if (options.stage) return options.stage;
    const provider = resolveSelf("provider.stage", "sls:stage");
    return typeof provider === "string" ? provider : "dev";
  };

  const literal = (text: string): Json | undefined => {
    const quoted = /^(['"])(.*)\1$/s.exec(text);
    if (quoted) return quoted[2];
    if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
    if (text === "true" || text === "false") return text === "true";
    if (text === "null") return null;
    return undefined;
  };

  /** One `${...}` body: the source, then each fallback in turn. */
  const resolveVariable = (body: string): Json => {
    const variable = `\${${body}}`;
    const alternatives = splitTopLevel(body);
    for (const [index, alternative] of alternatives.entries()) {
      const text = alternative.trim();
      const asLiteral = index > 0 ? literal(text) : undefined;
      if (asLiteral !== undefined) return asLiteral;
      if (!SOURCES.test(text)) {
        throw new ServerlessConfigError(
          `${options.file}: ${variable}: unsupported variable source "${text}"`,
        );
      }
      const value = resolveSource(text, variable);
      if (value !== undefined && value !== null) return value;
    }
    throw new ServerlessConfigError(`${options.file}: cannot resolve ${variable} (no value and no fallback)`);
  };

  const resolveString = (text: string): Json => {
    let current = text;
    for (let guard = 0; guard < 100; guard++) {
      let replaced = false;
      let whole: Json;
      const next = current.replace(INNERMOST, (match, body: string) => {
        const trimmed = body.trim();
        if (!SOURCES.test(trimmed)) {
          // `${AWS::Region}` and `${Resource.Arn}` belong to CloudFormation; `${ssm:...}` and the like are serverless
          // sources the local stack cannot resolve, and must not pass through as literal text.
          const other = /^([A-Za-z][\w-]*):(?!:)/.exec(trimmed);
          if (other) {
            throw new ServerlessConfigError(
              `${options.file}: \${${trimmed}}: the "${other[1]}" variable source is not supported locally`,
            );
          }
          return match;
        }
        replaced = true;
        const value = resolveVariable(body);
        if (match === current) whole = value;
        return typeof value === "string"
          ? value
          : typeof value === "object"
            ? JSON.stringify(value)
            : String(value);
      });
      if (!replaced) return current;
      // A string that was exactly one variable takes the variable's value as is (object, number, ...).
      if (whole !== undefined && typeof whole !== "string") return whole;
      current = next;
    }
    throw new ServerlessConfigError(`${options.file}: variables nest too deeply in "${text}"`);
  };

  const resolveDeep = (value: Json): Json => {
    if (typeof value === "string") return value.includes("${") ? resolveString(value) : value;
    if (Array.isArray(value)) return value.map(resolveDeep);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveDeep(v)]));
    }
    return value;
  };

  return resolveDeep(raw);
}

/** Splits `a, 'b, c', d` on commas outside quotes and parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Reads and resolves serverless.yml. */
export function loadServerlessYaml(options: ResolveOptions): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(options.file, "utf8");
  } catch (cause) {
    throw new ServerlessConfigError(`cannot read ${options.file}`, { cause });
  }
  const raw = parseCloudFormationYaml(text, options.file);
  const resolved = resolveServerlessConfig(raw, options);
  if (resolved === null || typeof resolved !== "object") {
    throw new ServerlessConfigError(`${options.file}: expected a mapping at the top level`);
  }
  return resolved as Record<string, unknown>;
}

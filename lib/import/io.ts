// Inputs, outputs and arguments: Argo's lists written as the DSL's declaration maps (`param`, `artifact`).
import { Code, type Printable, type PrintableObject, print } from "./code";
import { expressionCode } from "./expression";
import { renderValue, type Scope } from "./refs";

type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const PARAM_FIELDS = new Set(["name", "default", "enum", "description", "value", "valueFrom", "globalName"]);
const isScalar = (value: unknown) => ["string", "number", "boolean"].includes(typeof value);

function only(object: Json, key: string): boolean {
  const keys = Object.keys(object);
  return keys.length === 1 && keys[0] === key;
}

/** `param()`, `param("x")` or `param({...})`; undefined when it has a field `param` has no option for. */
export function paramDecl(parameter: Json, scope: Scope): Code | undefined {
  if (Object.keys(parameter).some((key) => !PARAM_FIELDS.has(key))) return undefined;
  const { name: _, ...rest } = parameter;
  scope.imports.add("param");
  if (Object.keys(rest).length === 0) return new Code("param()");
  if (only(rest, "default") && isScalar(rest.default))
    return new Code(`param(${print(renderValue(rest.default, scope))})`);
  const options = renderValue(rest, scope) as PrintableObject;
  const expression = isRecord(rest.valueFrom) ? rest.valueFrom.expression : undefined;
  const written = typeof expression === "string" ? expressionCode(expression, "expr", scope) : undefined;
  if (written) (options.valueFrom as PrintableObject).expression = new Code(written);
  return new Code(`param(${print(options)})`);
}

/** `artifact({...})` with the DSL's short forms (`archive: "none"`, `raw: "text"`, `http: "url"`, ...). */
export function artifactDecl(artifact: Json, scope: Scope): Code {
  const { name: _, ...rest } = artifact;
  const options: PrintableObject = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === "archive" && isRecord(value) && Object.keys(value).length === 1) {
      const [kind] = Object.keys(value);
      const inner = value[kind];
      if ((kind === "none" || kind === "tar") && isRecord(inner) && Object.keys(inner).length === 0) {
        options.archive = kind;
        continue;
      }
    }
    const short = { raw: "data", http: "url", s3: "key", git: "repo" }[key];
    if (short && isRecord(value) && only(value, short) && typeof value[short] === "string") {
      options[key] = renderValue(value[short], scope);
      continue;
    }
    options[key] = renderValue(value, scope);
  }
  scope.imports.add("artifact");
  return new Code(Object.keys(options).length === 0 ? "artifact()" : `artifact(${print(options)})`);
}

export interface Declared {
  /** The declaration map to print, or undefined when there is nothing. */
  decls?: PrintableObject;
  parameters: Map<string, { required: boolean }>;
  artifacts: Set<string>;
}

/**
 * Inputs or outputs as a declaration map; undefined when the DSL cannot say them (a field other than
 * parameters/artifacts, a name used twice, a parameter field `param` does not take).
 */
export function declarations(io: unknown, scope: Scope): Declared | undefined {
  const declared: Declared = { parameters: new Map(), artifacts: new Set() };
  if (io === undefined || io === null) return declared;
  if (!isRecord(io)) return undefined;
  if (Object.keys(io).some((key) => key !== "parameters" && key !== "artifacts")) return undefined;
  const decls: PrintableObject = {};
  const parameters = io.parameters ?? [];
  const artifacts = io.artifacts ?? [];
  if (!Array.isArray(parameters) || !Array.isArray(artifacts)) return undefined;
  for (const parameter of parameters) {
    if (!isRecord(parameter) || typeof parameter.name !== "string" || parameter.name in decls)
      return undefined;
    const decl = paramDecl(parameter, scope);
    if (!decl) return undefined;
    decls[parameter.name] = decl;
    const required =
      parameter.default === undefined && parameter.value === undefined && parameter.valueFrom === undefined;
    declared.parameters.set(parameter.name, { required });
  }
  for (const artifact of artifacts) {
    if (!isRecord(artifact) || typeof artifact.name !== "string" || artifact.name in decls) return undefined;
    decls[artifact.name] = artifactDecl(artifact, scope);
    declared.artifacts.add(artifact.name);
  }
  if (Object.keys(decls).length > 0) declared.decls = decls;
  return declared;
}

/** What a task's or step's template accepts, for checking its arguments before writing them as `args`. */
export interface Accepts {
  /** Undefined for a `templateRef` with no declared interface: any argument goes. */
  parameters?: ReadonlyMap<string, { required: boolean }>;
  artifacts?: ReadonlySet<string>;
}

/**
 * A node's `arguments` as the DSL's `args` record; undefined when the DSL cannot say them (a parameter with
 * `valueFrom`, an argument the template does not declare, a required input left out, a name used twice).
 */
export function argumentValues(args: unknown, accepts: Accepts, scope: Scope): PrintableObject | undefined {
  if (args === undefined || args === null)
    return accepts.parameters && missingRequired(accepts, new Set()) ? undefined : {};
  if (!isRecord(args) || Object.keys(args).some((key) => key !== "parameters" && key !== "artifacts"))
    return undefined;
  const out: PrintableObject = {};
  const parameters = args.parameters ?? [];
  const artifacts = args.artifacts ?? [];
  if (!Array.isArray(parameters) || !Array.isArray(artifacts)) return undefined;
  const declared =
    accepts.parameters !== undefined && (accepts.parameters.size > 0 || (accepts.artifacts?.size ?? 0) > 0);
  for (const parameter of parameters) {
    if (!isRecord(parameter) || typeof parameter.name !== "string" || parameter.name in out) return undefined;
    if (Object.keys(parameter).some((key) => key !== "name" && key !== "value")) return undefined;
    if (declared && !accepts.parameters?.has(parameter.name)) return undefined;
    if (accepts.artifacts?.has(parameter.name)) return undefined;
    const value = parameter.value;
    if (value === null || value === undefined) return undefined;
    const expression = typeof value === "string" ? expressionCode(value, "tag", scope) : undefined;
    out[parameter.name] = expression ? new Code(expression) : renderValue(value, scope);
  }
  for (const artifact of artifacts) {
    if (!isRecord(artifact) || typeof artifact.name !== "string" || artifact.name in out) return undefined;
    if (declared && !accepts.artifacts?.has(artifact.name)) return undefined;
    const isDeclaredArtifact = accepts.artifacts?.has(artifact.name) === true;
    if (isDeclaredArtifact && Object.keys(artifact).length === 2 && typeof artifact.from === "string") {
      out[artifact.name] = renderValue(artifact.from, scope);
    } else {
      // Not declared as an artifact (a templateRef's): `artifact({...})` tells the DSL it is one.
      out[artifact.name] = artifactDecl(artifact, scope);
    }
  }
  if (accepts.parameters && missingRequired(accepts, new Set(Object.keys(out)))) return undefined;
  return out;
}

function missingRequired(accepts: Accepts, given: ReadonlySet<string>): boolean {
  for (const [name, { required }] of accepts.parameters ?? []) if (required && !given.has(name)) return true;
  return false;
}

export type { Printable };

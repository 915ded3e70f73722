import { ExpressionError, SubstitutionError } from "./errors";
import { evaluateExpr, parseExpr } from "./exprlang";
import type { Node } from "./exprlang/ast";
import { goJsonMarshal, isNil } from "./exprlang/values";
import { missingPaths, referencedPaths } from "./identifiers";
import { exprEnvFor, type VariableLookup } from "./scope";

export interface SubstituteOptions {
  /**
   * What to do with a tag whose variable is not in the scope, or an expression that fails or yields nil:
   * "keep" leaves the tag verbatim (Argo's behaviour at run time); "error" throws a SubstitutionError.
   * Default "keep".
   */
  onMissing?: "keep" | "error";
  /**
   * Variable prefixes (e.g. `["steps", "tasks"]`) whose tags must resolve even with onMissing "keep", as
   * Argo's ReplaceStrict: a missing `steps.x…` fails, other unknown tags stay verbatim (artifact references
   * excepted), and an expression with nothing missing must evaluate. Default none.
   */
  strictPrefixes?: readonly string[];
}

const defaults: Required<SubstituteOptions> = { onMissing: "keep", strictPrefixes: [] };

/** How unresolved tags are treated for one substitute() call. */
interface Mode {
  /** Whether a missing variable of this name is an error. */
  isStrict(name: string): boolean;
  /** Argo's "strict regex is set": a fully resolved expression must then evaluate to a value. */
  enforcing: boolean;
  /** ReplaceStrict leaves unresolved artifact references to artifact resolution. */
  exemptArtifacts: boolean;
}

function modeOf(onMissing: "keep" | "error", strictPrefixes: readonly string[]): Mode {
  if (onMissing === "error") return { isStrict: () => true, enforcing: true, exemptArtifacts: false };
  if (strictPrefixes.length === 0) return { isStrict: () => false, enforcing: false, exemptArtifacts: false };
  const matches = (name: string) =>
    strictPrefixes.some((p) => name === p || (name.startsWith(p) && name[p.length] === "."));
  return { isStrict: matches, enforcing: true, exemptArtifacts: true };
}

/**
 * Variables only bound late (per loop item, per retry, at exit): an expression that needs one of them and
 * finds it missing is always left for a later pass, as Argo does.
 */
const lateBound = new Set([
  "item",
  "retries",
  "lastRetry.exitCode",
  "lastRetry.status",
  "lastRetry.duration",
  "lastRetry.message",
  "workflow.status",
  "workflow.failures",
]);

/**
 * Replaces Argo template tags in `text`: `{{ key }}` with the scope's value, `{{=expr}}` with the expr-lang
 * result (strings raw, anything else as Go-style JSON). Tags are delimited like fasttemplate does: a tag
 * ends at the first `}}` after its `{{`.
 */
export function substitute(text: string, scope: VariableLookup, options?: SubstituteOptions): string {
  const { onMissing, strictPrefixes } = { ...defaults, ...options };
  const mode = modeOf(onMissing, strictPrefixes);
  let out = "";
  let at = 0;
  for (;;) {
    const open = text.indexOf("{{", at);
    if (open < 0) break;
    out += text.slice(at, open);
    const close = text.indexOf("}}", open + 2);
    if (close < 0) {
      const rest = text.slice(open + 2);
      throw new SubstitutionError(`unclosed tag: cannot find "}}" after "{{${truncate(rest)}"`, rest);
    }
    const tag = text.slice(open + 2, close);
    at = close + 2;
    out += tag.startsWith("=") ? replaceExpression(tag, scope, mode) : replaceSimple(tag, scope, mode);
  }
  return at === 0 ? text : out + text.slice(at);
}

function replaceSimple(tag: string, scope: VariableLookup, mode: Mode): string {
  const key = tag.trim();
  const value = scope.get(key);
  if (value !== undefined) return value;
  if (scope.isAbsent?.(key)) {
    throw new SubstitutionError(
      `unable to substitute {{${tag}}}: output is an absent optional (skipped/omitted node with no default)`,
      tag,
    );
  }
  // A nested tag such as {{inputs.parameters.{{item}}}}: resolve the inner one, leaving the outer for later.
  const inner = tag.lastIndexOf("{{");
  if (inner > 0) {
    const innerKey = tag.slice(inner + 2);
    const nested = scope.get(innerKey);
    if (nested !== undefined) return `{{${tag.slice(0, inner)}${nested}`;
    if (scope.isAbsent?.(innerKey)) {
      throw new SubstitutionError(
        `unable to substitute nested tag {{${tag}}}: "${innerKey}" is an absent optional`,
        tag,
      );
    }
  }
  if (mode.isStrict(key) && !(mode.exemptArtifacts && key.includes(".outputs.artifacts."))) {
    throw new SubstitutionError(`failed to resolve {{${tag}}}`, tag);
  }
  return `{{${tag}}}`;
}

function replaceExpression(tag: string, scope: VariableLookup, mode: Mode): string {
  const source = tag.slice(1);
  const verbatim = `{{${tag}}}`;
  let node: Node;
  try {
    node = parseExpr(source);
  } catch (cause) {
    throw new SubstitutionError(
      `failed to evaluate expression {{${tag}}}: ${(cause as Error).message}`,
      tag,
      { cause },
    );
  }
  // Argo's expressionReplaceStrict: in strict mode any missing variable is an error; otherwise an
  // expression over missing variables may fail or yield nil and is then left for a later pass.
  const env = exprEnvFor(
    scope,
    referencedPaths(node).map((path) => path.split(".")[0]),
  );
  const missing = missingPaths(node, env);
  const strictMissing = missing.find((path) => mode.isStrict(path));
  if (strictMissing !== undefined) {
    throw new SubstitutionError(`failed to evaluate expression {{${tag}}}: ${strictMissing} is missing`, tag);
  }
  const allowUnresolved = missing.length > 0 || !mode.enforcing;
  if (allowUnresolved && missing.some((path) => lateBound.has(path))) return verbatim;
  let result: unknown;
  try {
    result = evaluateExpr(source, env);
  } catch (cause) {
    if (allowUnresolved && cause instanceof ExpressionError) return verbatim;
    throw new SubstitutionError(
      `failed to evaluate expression {{${tag}}}: ${(cause as Error).message}`,
      tag,
      { cause },
    );
  }
  if (isNil(result)) {
    if (allowUnresolved) return verbatim;
    throw new SubstitutionError(`failed to evaluate expression {{${tag}}}: the result is nil`, tag);
  }
  if (typeof result === "string") return result;
  try {
    return goJsonMarshal(result);
  } catch (cause) {
    throw new SubstitutionError(
      `failed to marshal the result of {{${tag}}}: ${(cause as Error).message}`,
      tag,
      {
        cause,
      },
    );
  }
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

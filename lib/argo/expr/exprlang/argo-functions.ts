/** The functions Argo adds to every expression env (util/expr/env): asInt, asFloat, jsonpath, toJson, sprig. */
import { JSONPath } from "jsonpath-plus";
import { toGoFloat, toGoInt } from "./builtins";
import { RuntimeError } from "./operators";
import { sprigFunctions } from "./sprig";
import { type ExprFunction, goJsonMarshal, goTypeName } from "./values";

/**
 * A path selects many values (so Argo's jsonpath library returns a list) when it uses a wildcard,
 * recursive descent, a filter, a union or a slice; otherwise it selects one value, returned bare.
 */
function isIndefinite(path: string): boolean {
  return /\*|\.\.|\[\s*\?|\[[^\]]*[,:][^\]]*\]/.test(path);
}

function jsonpath(json: unknown, path: unknown): unknown {
  if (typeof json !== "string")
    throw new RuntimeError(`jsonpath: expected a JSON string, got ${goTypeName(json)}`);
  if (typeof path !== "string")
    throw new RuntimeError(`jsonpath: expected a path string, got ${goTypeName(path)}`);
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (cause) {
    throw new RuntimeError(`jsonpath: invalid JSON: ${(cause as Error).message}`);
  }
  let matches: unknown[];
  try {
    matches = JSONPath({ path, json: document as object, wrap: true, eval: "safe" }) as unknown[];
  } catch (cause) {
    throw new RuntimeError(`jsonpath: invalid path ${path}: ${(cause as Error).message}`);
  }
  if (isIndefinite(path)) return matches;
  if (matches.length === 0) throw new RuntimeError(`jsonpath: ${path}: key not found`);
  return matches[0];
}

/** The entries Argo's GetFuncMap adds on top of the expanded scope. */
export const argoFunctions: Record<string, ExprFunction | Record<string, ExprFunction>> = {
  asInt: (v) => toGoInt(v),
  asFloat: (v) => toGoFloat(v),
  jsonpath,
  toJson: (v) => goJsonMarshal(v),
  sprig: sprigFunctions,
};

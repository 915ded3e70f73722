// What YAML readers of both versions make of a text, as plain JSON values with any non-string key and any
// value JSON has no type for spelled out, so a comparison with the intended value shows every misreading.
import { spawnSync } from "node:child_process";
import { CORE_SCHEMA, loadAll } from "js-yaml";

export type Reader = (texts: string[]) => unknown[];

function tagged(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tagged);
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return value;
  if (Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value as object).map(([key, member]) => [key, tagged(member)]));
  return `!type:${Object.prototype.toString.call(value)}:${String(value)}`;
}

/**
 * js-yaml with YAML 1.2's core schema; a document with an error or a warning throws, and so does a key given
 * twice. (js-yaml makes every key a string: a key misread as a number shows when it is spelled otherwise
 * (`0o17` → "15"); PyYAML below tags every non-string key.)
 */
export const yaml12: Reader = (texts) =>
  texts.map((text) => {
    const warnings: unknown[] = [];
    const [doc, ...more] = loadAll(text, null, { schema: CORE_SCHEMA, onWarning: (w) => warnings.push(w) });
    if (doc === undefined || more.length > 0 || warnings.length > 0)
      throw new Error(`YAML 1.2 cannot read ${text}: ${warnings}`);
    return tagged(doc);
  });

// PyYAML's safe loader, the YAML 1.1 resolver most 1.1 tools share, plus the one thing Go's yaml.v2 (behind
// kubectl and Argo) resolves beyond it: `y`, `Y`, `n` and `N` as bools.
const PYTHON = `
import json, re, sys, yaml
class GoV2Loader(yaml.SafeLoader):
    pass
GoV2Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"), list("yYnN"))
def construct_bool(loader, node):
    value = loader.construct_scalar(node)
    if value in ("y", "Y", "n", "N"):
        return value in ("y", "Y")
    return yaml.SafeLoader.construct_yaml_bool(loader, node)
GoV2Loader.add_constructor("tag:yaml.org,2002:bool", construct_bool)
def tagged(o):
    if isinstance(o, dict):
        return {(k if isinstance(k, str) else "!key:" + str(k)): tagged(v) for k, v in o.items()}
    if isinstance(o, list):
        return [tagged(v) for v in o]
    if o is None or isinstance(o, (str, bool, int, float)):
        return o
    return "!type:" + type(o).__name__ + ":" + str(o)
json.dump([tagged(yaml.load(t, Loader=GoV2Loader)) for t in json.load(sys.stdin)], sys.stdout, allow_nan=False)
`;

/** PyYAML with Go's `y`/`n` (through python3, which the tests need anyway), all texts in one process. */
export const pyyaml: Reader = (texts) => {
  const run = spawnSync("python3", ["-c", PYTHON], { input: JSON.stringify(texts), maxBuffer: 1 << 28 });
  if (run.status !== 0)
    throw new Error(`python3 with PyYAML (python3-yaml) could not read the texts: ${run.stderr}`);
  return JSON.parse(run.stdout.toString()) as unknown[];
};

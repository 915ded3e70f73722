// What YAML readers of both versions make of a text, as plain JSON values with any non-string key and any
// value JSON has no type for spelled out, so a comparison with the intended value shows every misreading.
import { spawnSync } from "node:child_process";
import { parseAllDocuments } from "yaml";

export type Reader = (texts: string[]) => unknown[];

function tagged(value: unknown): unknown {
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of value)
      out[typeof key === "string" ? key : `!key:${String(key)}`] = tagged(member);
    return out;
  }
  if (Array.isArray(value)) return value.map(tagged);
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return value;
  return `!type:${Object.prototype.toString.call(value)}:${String(value)}`;
}

/** eemeli/yaml in YAML 1.2 (core schema) or YAML 1.1 mode; a document with an error or a warning throws. */
function yamlReader(version: "1.1" | "1.2"): Reader {
  return (texts) =>
    texts.map((text) => {
      const [doc, ...more] = parseAllDocuments(text, { version });
      const problems = [...(doc?.errors ?? []), ...(doc?.warnings ?? []), ...more];
      if (!doc || problems.length > 0) throw new Error(`YAML ${version} cannot read ${text}: ${problems}`);
      return tagged(doc.toJS({ mapAsMap: true }));
    });
}

export const yaml12: Reader = yamlReader("1.2");
export const yaml11: Reader = yamlReader("1.1");

// PyYAML's safe loader: the YAML 1.1 resolver most 1.1 tools share (Go's yaml.v2 adds `y` and `n`).
const PYTHON = `
import json, sys, yaml
def tagged(o):
    if isinstance(o, dict):
        return {(k if isinstance(k, str) else "!key:" + str(k)): tagged(v) for k, v in o.items()}
    if isinstance(o, list):
        return [tagged(v) for v in o]
    if o is None or isinstance(o, (str, bool, int, float)):
        return o
    return "!type:" + type(o).__name__ + ":" + str(o)
json.dump([tagged(yaml.safe_load(t)) for t in json.load(sys.stdin)], sys.stdout, allow_nan=False)
`;

/** PyYAML (through python3, which the tests need anyway), all texts in one process. */
export const pyyaml: Reader = (texts) => {
  const run = spawnSync("python3", ["-c", PYTHON], { input: JSON.stringify(texts), maxBuffer: 1 << 28 });
  if (run.status !== 0)
    throw new Error(`python3 with PyYAML (python3-yaml) could not read the texts: ${run.stderr}`);
  return JSON.parse(run.stdout.toString()) as unknown[];
};

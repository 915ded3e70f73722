import { CORE_SCHEMA, load, Type, YAMLException } from "js-yaml";

/** CloudFormation's short-form intrinsics (`!Ref X` → `{ Ref: "X" }`, `!GetAtt A.B` → `{ "Fn::GetAtt": ["A", "B"] }`). */
const INTRINSICS = [
  "Base64",
  "Cidr",
  "FindInMap",
  "GetAZs",
  "ImportValue",
  "Join",
  "Select",
  "Split",
  "Sub",
  "Transform",
  "And",
  "Equals",
  "If",
  "Not",
  "Or",
] as const;

function intrinsicTypes(): Type[] {
  const types: Type[] = [];
  // Each tag may mark a scalar, a sequence or a mapping: one type per node kind.
  const add = (tag: string, toValue: (value: unknown) => unknown) => {
    for (const kind of ["scalar", "sequence", "mapping"] as const)
      types.push(new Type(tag, { kind, construct: (data: unknown) => toValue(data) }));
  };
  add("!Ref", (value) => ({ Ref: value }));
  add("!Condition", (value) => ({ Condition: value }));
  add("!GetAtt", (value) => ({
    "Fn::GetAtt":
      typeof value === "string"
        ? [value.slice(0, value.indexOf(".")), value.slice(value.indexOf(".") + 1)]
        : value,
  }));
  for (const name of INTRINSICS) add(`!${name}`, (value) => ({ [`Fn::${name}`]: value }));
  return types;
}

// YAML 1.2's core schema with the intrinsics' tags.
const SCHEMA = CORE_SCHEMA.extend(intrinsicTypes());

/** Parses YAML that may use CloudFormation's short-form tags; `file` names the source in errors. */
export function parseCloudFormationYaml(text: string, file: string): unknown {
  try {
    return load(text, { schema: SCHEMA, filename: file });
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const mark = error.mark as { line?: number; column?: number } | undefined;
    const at = mark?.line === undefined ? "" : `:${mark.line + 1}:${(mark.column ?? 0) + 1}`;
    throw new SyntaxError(`${file}${at}: ${error.reason || error.message.split("\n")[0]}`, { cause: error });
  }
}

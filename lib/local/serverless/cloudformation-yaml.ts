import { parseDocument, type Tags, type YAMLMap, type YAMLSeq } from "yaml";

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

function intrinsicTags(): Tags {
  const tags: Tags = [];
  const add = (tag: string, toValue: (value: unknown) => unknown) => {
    tags.push({ tag, resolve: (value: string) => toValue(value) });
    tags.push({ tag, collection: "seq", resolve: (seq) => toValue((seq as YAMLSeq).toJSON()) });
    tags.push({ tag, collection: "map", resolve: (map) => toValue((map as YAMLMap).toJSON()) });
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
  return tags;
}

/** Parses YAML that may use CloudFormation's short-form tags; `file` names the source in errors. */
export function parseCloudFormationYaml(text: string, file: string): unknown {
  const document = parseDocument(text, { customTags: intrinsicTags(), prettyErrors: true });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    const at = first.linePos?.[0];
    throw new SyntaxError(`${file}${at ? `:${at.line}:${at.col}` : ""}: ${first.message.split("\n")[0]}`);
  }
  return document.toJS({ maxAliasCount: 1000 });
}

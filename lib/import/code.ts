// A tiny model of generated TypeScript: plain JSON values print as literals, `Code` prints as written.

/** A TypeScript expression, printed verbatim inside a literal. */
export class Code {
  constructor(readonly text: string) {}
}

export const code = (text: string): Code => new Code(text);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** An object key as a person writes it: bare when it is an identifier, quoted otherwise. */
export function propertyKey(key: string): string {
  return isIdentifier(key) ? key : JSON.stringify(key);
}

/** `obj.key` or `obj["key-with-dash"]`. */
export function member(object: string, key: string): string {
  return isIdentifier(key) ? `${object}.${key}` : `${object}[${JSON.stringify(key)}]`;
}

// Template literals keep multi-line text (scripts, manifests) readable; only printable text qualifies.
const TEMPLATE_SAFE = /^[^\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029]*$/;

export function escapeTemplate(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${");
}

/** A string literal: a template literal for multi-line text, a double-quoted string otherwise. */
export function stringLiteral(text: string): string {
  if (text.includes("\n") && TEMPLATE_SAFE.test(text)) return `\`${escapeTemplate(text)}\``;
  return JSON.stringify(text);
}

export type Printable = Code | string | number | boolean | null | undefined | Printable[] | PrintableObject;
export interface PrintableObject {
  [key: string]: Printable;
}

/** Prints a value as a TypeScript literal (Biome lays it out afterwards); undefined members are left out. */
export function print(value: Printable): string {
  if (value instanceof Code) return value.text;
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "string") return stringLiteral(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(print).join(", ")}]`;
  const entries = Object.entries(value).filter(([, entry]) => entry !== undefined);
  if (entries.length === 0) return "{}";
  return `{ ${entries.map(([key, entry]) => `${propertyKey(key)}: ${print(entry)}`).join(", ")} }`;
}

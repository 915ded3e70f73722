// How the YAML writer spells a scalar so that YAML 1.2 readers (js-yaml, JSON-minded tools) and YAML 1.1
// readers (Go's yaml.v2 behind kubectl and Argo, PyYAML) all read back the same value. A string goes plain
// only when no reader of either version would resolve it to another type; otherwise single quotes, or double
// quotes with escapes when it holds characters that must not appear raw (control characters, NEL, LS/PS:
// YAML 1.1 takes the last three for line breaks). The styles are the ones Skiff's YAML has always had.

// Words YAML 1.1 or 1.2 reads as a bool or null. YAML 1.1 lists three spellings of each (`yes`, `Yes`,
// `YES`); every casing is quoted, as some 1.1 readers match them without regard to case.
const KEYWORDS = new Set(["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"]);

// Numbers as either version reads them: YAML 1.1 ints (binary, octal `0` and hex with `_` separators,
// decimal with `_`, sexagesimal `1:20`, taken broadly), 1.1 floats (`1.`, `._5`, `1_0.5e3`, sexagesimal), 1.2 core ints
// (`0o17`) and floats, and `.inf`/`.nan` in any casing.
const NUMBER =
  /^[-+]?(?:0b[01_]+|0x[0-9a-f_]+|0o[0-7_]+|[0-9][0-9_]*(?::[0-9_]+)*(?:\.[0-9_]*)?(?:e[-+]?[0-9]+)?|\.[0-9_]*(?:e[-+]?[0-9]+)?|\.inf|\.nan)$/i;

// YAML 1.1 timestamps: a date, optionally followed by a time and a zone.
const TIMESTAMP =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$/;

/** Whether some YAML 1.1 or 1.2 reader resolves the plain scalar `text` to something other than a string. */
export function readsAsOtherType(text: string): boolean {
  if (text.length <= 5 && KEYWORDS.has(text.toLowerCase())) return true;
  // `<<` is YAML 1.1's merge key and `=` its value key (PyYAML refuses to load it).
  if (text === "<<" || text === "=") return true;
  const first = text.charCodeAt(0);
  // Every number and timestamp starts with a digit, a sign or a dot.
  if (!((first >= 0x30 && first <= 0x39) || first === 0x2b || first === 0x2d || first === 0x2e)) return false;
  return NUMBER.test(text) || TIMESTAMP.test(text);
}

/**
 * Printable in YAML's sense, by code point, and not a line break in either version (NEL, LS and PS break
 * lines in YAML 1.1; a tab or a carriage return is kept out too, so those strings get double quotes).
 */
export function isPrintable(c: number): boolean {
  return (
    (c >= 0x20 && c <= 0x7e) ||
    (c >= 0xa1 && c <= 0xd7ff && c !== 0x2028 && c !== 0x2029) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

// Indicators a plain scalar may not start with (`-`, `?` and `:` could, before a non-space; never used so),
// and `=`, YAML 1.1's value key.
const INDICATORS = new Set("-?:,[]{}#&*!|=>'\"%@`");

/** Whether `text` (single-line, non-empty, printable) can be written plain in block context at all. */
function isPlainSyntax(text: string): boolean {
  if (INDICATORS.has(text[0]) || text[0] === " ") return false;
  const last = text[text.length - 1];
  if (last === " " || last === ":") return false;
  return !text.includes(": ") && !text.includes(" #");
}

const ESCAPES: Record<number, string> = {
  0: "\\0",
  7: "\\a",
  8: "\\b",
  9: "\\t",
  10: "\\n",
  11: "\\v",
  12: "\\f",
  13: "\\r",
  27: "\\e",
  34: '\\"',
  92: "\\\\",
  133: "\\N",
  160: "\\_",
  8232: "\\L",
  8233: "\\P",
};

function hex(c: number): string {
  const [handle, width] = c <= 0xff ? ["x", 2] : c <= 0xffff ? ["u", 4] : ["U", 8];
  return `\\${handle}${c.toString(16).toUpperCase().padStart(width, "0")}`;
}

/** A double-quoted scalar: every character that is not printable escaped (the escapes both versions share). */
export function doubleQuoted(text: string): string {
  let out = '"';
  for (const char of text) {
    const c = char.codePointAt(0) ?? 0;
    out += ESCAPES[c] ?? (isPrintable(c) ? char : hex(c));
  }
  return `${out}"`;
}

/** A single-line string as a plain, single-quoted or double-quoted scalar. */
export function singleLineScalar(text: string): string {
  if (text.length === 0) return "''";
  for (const char of text) if (!isPrintable(char.codePointAt(0) ?? 0)) return doubleQuoted(text);
  if (isPlainSyntax(text) && !readsAsOtherType(text)) return text;
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * A number both versions read back as the same number: `.nan`, `.inf`, `-0.0`, and a dot before any
 * exponent (JavaScript writes `1e+21`, which YAML 1.1 reads as a string).
 */
export function numberScalar(value: number): string {
  if (Number.isNaN(value)) return ".nan";
  if (value === Number.POSITIVE_INFINITY) return ".inf";
  if (value === Number.NEGATIVE_INFINITY) return "-.inf";
  if (Object.is(value, -0)) return "-0.0";
  const text = String(value);
  return text.includes("e") && !text.includes(".") ? text.replace("e", ".e") : text;
}

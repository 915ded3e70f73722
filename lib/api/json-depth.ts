/**
 * How deep a JSON text nests, read from the text itself before anything parses or walks it: every later
 * step (JSON.parse, zod, structuredClone, the spec's YAML) recurses, so a 40,000-deep body must be refused
 * here, in one linear pass that recurses into nothing. Returns true as soon as `max` is exceeded.
 * Brackets inside strings do not count; the text need not be valid JSON (the parser reports that).
 */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      // A backslash escapes the next character, a quote among others.
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

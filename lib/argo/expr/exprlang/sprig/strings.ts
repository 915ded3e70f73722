/** Sprig's string, split/join and regular-expression functions (Sprig's argument order). */
import { goRegExp } from "../regexp";
import { type ExprFunction, isNil } from "../values";
import { strval, toInt64 } from "./convert";

/** Go's strconv.Quote: named escapes, \xNN for other control bytes, printable Unicode kept. */
function goQuote(s: string): string {
  const named: Record<string, string> = {
    "\x07": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    '"': '\\"',
    "\\": "\\\\",
  };
  let out = '"';
  for (const c of s) {
    const code = c.codePointAt(0) ?? 0;
    if (named[c]) out += named[c];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += c;
  }
  return `${out}"`;
}

function title(s: string): string {
  return s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase());
}

function words(s: string): string[] {
  return s
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

/** Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}` (longest word; unknown groups are empty), `$$`. */
function expandTemplate(template: string, match: RegExpMatchArray): string {
  return template.replace(/\$(\$|\{(\w+)\}|(\w+))/g, (whole, _all, braced?: string, bare?: string) => {
    if (whole === "$$") return "$";
    const ref = braced ?? bare ?? "";
    const value = /^\d+$/.test(ref) ? match[Number(ref)] : match.groups?.[ref];
    return value ?? "";
  });
}

function splitToDict(parts: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  parts.forEach((p, i) => {
    out[`_${i}`] = p;
  });
  return out;
}

export const stringFunctions: Record<string, ExprFunction> = {
  upper: (s) => strval(s).toUpperCase(),
  lower: (s) => strval(s).toLowerCase(),
  title: (s) => title(strval(s)),
  untitle: (s) => strval(s).replace(/(^|\s)(\S)/g, (_, sep: string, c: string) => sep + c.toLowerCase()),
  trim: (s) => strval(s).trim(),
  trimAll: (cutset, s) => {
    const cut = new Set(strval(cutset));
    const text = strval(s);
    let start = 0;
    let end = text.length;
    while (start < end && cut.has(text[start])) start++;
    while (end > start && cut.has(text[end - 1])) end--;
    return text.slice(start, end);
  },
  trimall: (cutset, s) => stringFunctions.trimAll(cutset, s),
  trimPrefix: (prefix, s) => {
    const text = strval(s);
    const p = strval(prefix);
    return text.startsWith(p) ? text.slice(p.length) : text;
  },
  trimSuffix: (suffix, s) => {
    const text = strval(s);
    const p = strval(suffix);
    return p && text.endsWith(p) ? text.slice(0, -p.length) : text;
  },
  contains: (substr, s) => strval(s).includes(strval(substr)),
  hasPrefix: (prefix, s) => strval(s).startsWith(strval(prefix)),
  hasSuffix: (suffix, s) => strval(s).endsWith(strval(suffix)),
  replace: (from, to, s) => strval(s).replaceAll(strval(from), strval(to)),
  repeat: (count, s) => strval(s).repeat(Math.max(0, toInt64(count))),
  substr: (start, end, s) => {
    const text = strval(s);
    const a = toInt64(start);
    const b = toInt64(end);
    if (a < 0) return text.slice(0, b);
    if (b < 0 || b > text.length) return text.slice(a);
    return text.slice(a, b);
  },
  trunc: (count, s) => {
    const text = strval(s);
    const c = toInt64(count);
    if (c < 0 && text.length + c > 0) return text.slice(text.length + c);
    if (c >= 0 && text.length > c) return text.slice(0, c);
    return text;
  },
  abbrev: (width, s) => {
    const text = strval(s);
    const w = toInt64(width);
    if (w < 4 || text.length <= w) return text;
    return `${text.slice(0, w - 3)}...`;
  },
  nospace: (s) => strval(s).replace(/\s/g, ""),
  initials: (s) =>
    strval(s)
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => w[0])
      .join(""),
  cat: (...args) =>
    args
      .filter((a) => !isNil(a))
      .map(strval)
      .join(" "),
  indent: (spaces, s) => {
    const pad = " ".repeat(Math.max(0, toInt64(spaces)));
    return pad + strval(s).replaceAll("\n", `\n${pad}`);
  },
  nindent: (spaces, s) => `\n${stringFunctions.indent(spaces, s)}`,
  quote: (...args) =>
    args
      .filter((a) => !isNil(a))
      .map((a) => goQuote(strval(a)))
      .join(" "),
  squote: (...args) =>
    args
      .filter((a) => !isNil(a))
      .map((a) => `'${strval(a)}'`)
      .join(" "),
  plural: (one, many, count) => (toInt64(count) === 1 ? one : many),
  snakecase: (s) =>
    words(strval(s))
      .map((w) => w.toLowerCase())
      .join("_"),
  kebabcase: (s) =>
    words(strval(s))
      .map((w) => w.toLowerCase())
      .join("-"),
  camelcase: (s) =>
    strval(s)
      .split("_")
      .map((w) => (w ? w[0].toUpperCase() + w.slice(1) : w))
      .join(""),
  swapcase: (s) =>
    [...strval(s)].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(""),
  wrap: (width, s) => stringFunctions.wrapWith(width, "\n", s),
  wrapWith: (width, sep, s) => {
    const w = toInt64(width);
    const out: string[] = [];
    let line = "";
    for (const word of strval(s).split(/ +/)) {
      if (line && line.length + 1 + word.length > w) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) out.push(line);
    return out.join(strval(sep));
  },
  splitList: (sep, s) => strval(s).split(strval(sep)),
  split: (sep, s) => splitToDict(strval(s).split(strval(sep))),
  splitn: (sep, n, s) => {
    const parts = strval(s).split(strval(sep));
    const count = toInt64(n);
    if (count > 0 && parts.length > count)
      parts.splice(count - 1, parts.length, parts.slice(count - 1).join(strval(sep)));
    return splitToDict(parts);
  },
  join: (sep, v) => {
    const items = Array.isArray(v) ? v : [v];
    return items
      .filter((x) => !isNil(x))
      .map(strval)
      .join(strval(sep));
  },
  toStrings: (v) => (Array.isArray(v) ? v.map(strval) : [strval(v)]),
  sortAlpha: (v) => (Array.isArray(v) ? v.map(strval).sort() : [strval(v)]),
  regexMatch: (re, s) => goRegExp(strval(re)).test(strval(s)),
  mustRegexMatch: (re, s) => goRegExp(strval(re)).test(strval(s)),
  regexFind: (re, s) => goRegExp(strval(re)).exec(strval(s))?.[0] ?? "",
  regexFindAll: (re, s, n) => {
    const all = [...strval(s).matchAll(new RegExp(goRegExp(strval(re)).source, "g"))].map((m) => m[0]);
    const count = toInt64(n);
    return count < 0 ? all : all.slice(0, count);
  },
  regexReplaceAll: (re, s, repl) =>
    strval(s).replace(new RegExp(goRegExp(strval(re)).source, "g"), (...args) => {
      const groupsArg = args[args.length - 1];
      const hasGroups = typeof groupsArg === "object" && groupsArg !== null;
      const captures = args.slice(0, hasGroups ? -3 : -2) as string[];
      const match = Object.assign([...captures], {
        groups: hasGroups ? groupsArg : undefined,
      }) as RegExpMatchArray;
      return expandTemplate(strval(repl), match);
    }),
  regexReplaceAllLiteral: (re, s, repl) =>
    strval(s).replace(new RegExp(goRegExp(strval(re)).source, "g"), () => strval(repl)),
  regexSplit: (re, s, n) => {
    // Go's Regexp.Split: at most n parts, the last holding the unsplit rest.
    const text = strval(s);
    const count = toInt64(n);
    if (count === 0) return [];
    const parts: string[] = [];
    let start = 0;
    for (const m of text.matchAll(new RegExp(goRegExp(strval(re)).source, "g"))) {
      if (count > 0 && parts.length === count - 1) break;
      if (m[0] === "" && (m.index === 0 || m.index === text.length)) continue;
      parts.push(text.slice(start, m.index));
      start = (m.index ?? 0) + m[0].length;
    }
    parts.push(text.slice(start));
    return parts;
  },
  regexQuoteMeta: (s) => strval(s).replace(/[\\.+*?()|[\]{}^$]/g, "\\$&"),
};

/**
 * The Sprig v3 generic functions (github.com/Masterminds/sprig) that Argo exposes as `sprig.<fn>` in
 * expressions, with Sprig's argument order and its lenient conversions (bad numbers become 0, …).
 * `env` and `expandenv` are left out, as in Argo.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseGoTime } from "../gotime";
import { RuntimeError } from "../operators";
import { type ExprFunction, goJsonMarshal, goTypeName, isNil, parseDuration } from "../values";
import { collectionFunctions } from "./collections";
import { dict, list, strval, toInt64, toTime } from "./convert";
import { dateFunctions } from "./dates";
import { encodingFunctions } from "./encoding";
import { numberFunctions } from "./numbers";
import { stringFunctions } from "./strings";

export { isEmpty, strval, toFloat64, toInt64 } from "./convert";

export const sprigFunctions: Record<string, ExprFunction> = {
  ...stringFunctions,
  ...numberFunctions,
  ...encodingFunctions,
  ...collectionFunctions,
  ...dateFunctions,
};

/** Random strings from a character set, with a cryptographic source as Sprig uses. */
function randomFrom(alphabet: string, count: unknown): string {
  const n = Math.max(0, toInt64(count));
  const bytes = randomBytes(n);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
}

const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const digits = "0123456789";
const printableAscii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");

function notSupported(name: string): ExprFunction {
  return () => {
    throw new RuntimeError(`sprig.${name} is not supported by the local engine`);
  };
}

function chunk(size: unknown, v: unknown): unknown[][] {
  const items = list("chunk", v);
  const n = toInt64(size);
  if (n <= 0) throw new RuntimeError("chunk: size must be positive");
  const out: unknown[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}

function durationRound(v: unknown): string {
  let ns = 0;
  if (typeof v === "string") {
    try {
      ns = parseDuration(v).nanoseconds;
    } catch {
      ns = 0;
    }
  } else if (typeof v === "number") ns = v;
  else if (v instanceof Date) ns = (Date.now() - v.getTime()) * 1e6;
  const abs = Math.abs(ns);
  const units: Array<[string, number]> = [
    ["y", 3.1536e16],
    ["mo", 2.592e15],
    ["d", 8.64e13],
    ["h", 3.6e12],
    ["m", 6e10],
    ["s", 1e9],
  ];
  for (const [unit, size] of units) if (abs >= size) return `${Math.floor(abs / size)}${unit}`;
  return "0s";
}

/** Sprig functions that are thin variants of others (must* raise instead of swallowing errors). */
const variants: Record<string, ExprFunction> = {
  hello: () => "Hello!",
  abbrevboth: (left, right, s) => {
    const text = strval(s);
    const l = toInt64(left);
    const r = toInt64(right);
    if (r < 4 || (l > 0 && r < 7) || text.length <= r) return text;
    let start = l > 3 ? l : 0;
    if (text.length - start < r - 3) start = text.length - (r - 3);
    if (start <= 4) return `${text.slice(0, r - 3)}...`;
    if (start + r - 3 < text.length) return `...${text.slice(start, start + r - 6)}...`;
    return `...${text.slice(text.length - (r - 3))}`;
  },
  randAlphaNum: (n) => randomFrom(letters + digits, n),
  randAlpha: (n) => randomFrom(letters, n),
  randNumeric: (n) => randomFrom(digits, n),
  randAscii: (n) => randomFrom(printableAscii, n),
  randInt: (min, max) => {
    const lo = toInt64(min);
    const hi = toInt64(max);
    return lo + Math.floor(Math.random() * Math.max(0, hi - lo));
  },
  randBytes: (n) => randomBytes(Math.max(0, toInt64(n))).toString("base64"),
  shuffle: (s) => {
    const chars = [...strval(s)];
    for (let i = chars.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    return chars.join("");
  },
  biggest: (a, ...rest) => rest.reduce<number>((best, x) => Math.max(best, toInt64(x)), toInt64(a)),
  typeIsLike: (t, v) => goTypeName(v) === t || `*${goTypeName(v)}` === t,
  deepCopy: (v) => (isNil(v) ? v : JSON.parse(goJsonMarshal(v))),
  base: (p) => path.posix.basename(strval(p)) || ".",
  dir: (p) => path.posix.dirname(strval(p)),
  clean: (p) => path.posix.normalize(strval(p)).replace(/(.)\/$/, "$1"),
  ext: (p) => path.posix.extname(strval(p)),
  isAbs: (p) => path.posix.isAbsolute(strval(p)),
  chunk,
  durationRound,
  dateModify: (modifier, d) => {
    try {
      return new Date(toTime(d).getTime() + parseDuration(strval(modifier)).nanoseconds / 1e6);
    } catch {
      return d;
    }
  },
  mustDateModify: (modifier, d) => {
    try {
      return new Date(toTime(d).getTime() + parseDuration(strval(modifier)).nanoseconds / 1e6);
    } catch (cause) {
      throw new RuntimeError((cause as Error).message);
    }
  },
  urlParse: (u) => {
    let url: URL;
    try {
      url = new URL(strval(u));
    } catch (cause) {
      throw new RuntimeError(`unable to parse url: ${(cause as Error).message}`);
    }
    return {
      scheme: url.protocol.replace(/:$/, ""),
      host: url.host,
      hostname: url.hostname,
      path: url.pathname,
      query: url.search.replace(/^\?/, ""),
      opaque: "",
      fragment: url.hash.replace(/^#/, ""),
      userinfo: url.username ? (url.password ? `${url.username}:${url.password}` : url.username) : "",
    };
  },
  urlJoin: (d) => {
    const m = dict("urlJoin", d);
    const scheme = strval(m.scheme ?? "");
    const userinfo = strval(m.userinfo ?? "");
    const host = strval(m.host ?? "");
    const query = strval(m.query ?? "");
    const fragment = strval(m.fragment ?? "");
    let out = scheme ? `${scheme}:` : "";
    if (host || userinfo) out += `//${userinfo ? `${userinfo}@` : ""}${host}`;
    out += strval(m.path ?? "");
    if (query) out += `?${query}`;
    if (fragment) out += `#${fragment}`;
    return out;
  },
};

for (const name of [
  "bcrypt",
  "htpasswd",
  "genPrivateKey",
  "derivePassword",
  "buildCustomCert",
  "genCA",
  "genCAWithKey",
  "genSelfSignedCert",
  "genSelfSignedCertWithKey",
  "genSignedCert",
  "genSignedCertWithKey",
  "encryptAES",
  "decryptAES",
  "semver",
  "semverCompare",
  "getHostByName",
]) {
  variants[name] = notSupported(name);
}

Object.assign(sprigFunctions, variants, {
  osBase: variants.base,
  osDir: variants.dir,
  osClean: variants.clean,
  osExt: variants.ext,
  osIsAbs: variants.isAbs,
  mustChunk: chunk,
  mustCompact: sprigFunctions.compact,
  mustToRawJson: (v: unknown) =>
    goJsonMarshal(v)
      .replace(/\\u003c/g, "<")
      .replace(/\\u003e/g, ">")
      .replace(/\\u0026/g, "&"),
  mustMerge: sprigFunctions.merge,
  mustMergeOverwrite: sprigFunctions.mergeOverwrite,
  mustAppend: sprigFunctions.append,
  mustPush: sprigFunctions.push,
  mustPrepend: sprigFunctions.prepend,
  mustFirst: sprigFunctions.first,
  mustRest: sprigFunctions.rest,
  mustLast: sprigFunctions.last,
  mustInitial: sprigFunctions.initial,
  mustReverse: sprigFunctions.reverse,
  mustUniq: sprigFunctions.uniq,
  mustWithout: sprigFunctions.without,
  mustHas: sprigFunctions.has,
  mustSlice: sprigFunctions.slice,
  mustDeepCopy: variants.deepCopy,
  mustRegexFind: sprigFunctions.regexFind,
  mustRegexFindAll: sprigFunctions.regexFindAll,
  mustRegexReplaceAll: sprigFunctions.regexReplaceAll,
  mustRegexReplaceAllLiteral: sprigFunctions.regexReplaceAllLiteral,
  mustRegexSplit: sprigFunctions.regexSplit,
  mustToDate: (layout: unknown, text: unknown) => {
    try {
      return parseGoTime(strval(text), strval(layout), true);
    } catch (cause) {
      throw new RuntimeError((cause as Error).message);
    }
  },
});

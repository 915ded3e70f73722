/** Sprig's JSON, base64/base32 and hashing functions. */
import { createHash, randomUUID } from "node:crypto";
import { RuntimeError } from "../operators";
import { type ExprFunction, goJsonMarshal } from "../values";
import { strval } from "./convert";

function base64Decode(s: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return "illegal base64 data at input byte 0";
  return Buffer.from(s, "base64").toString("utf8");
}

const base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32Encode(s: string): string {
  const bytes = Buffer.from(s, "utf8");
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32Alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += base32Alphabet[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += "=";
  return out;
}

function base32Decode(s: string): string {
  const clean = s.replace(/=+$/, "");
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of clean) {
    const index = base32Alphabet.indexOf(c);
    if (index < 0) return "illegal base32 data at input byte 0";
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out).toString("utf8");
}

function mustJson(v: unknown, indent = ""): string {
  return goJsonMarshal(v, indent);
}

function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, "utf8")) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

export const encodingFunctions: Record<string, ExprFunction> = {
  toJson: (v) => {
    try {
      return mustJson(v);
    } catch {
      return "";
    }
  },
  mustToJson: (v) => mustJson(v),
  toPrettyJson: (v) => {
    try {
      return mustJson(v, "  ");
    } catch {
      return "";
    }
  },
  mustToPrettyJson: (v) => mustJson(v, "  "),
  toRawJson: (v) => {
    try {
      return mustJson(v)
        .replace(/\\u003c/g, "<")
        .replace(/\\u003e/g, ">")
        .replace(/\\u0026/g, "&");
    } catch {
      return "";
    }
  },
  fromJson: (s) => {
    try {
      return JSON.parse(strval(s));
    } catch {
      return null;
    }
  },
  mustFromJson: (s) => {
    try {
      return JSON.parse(strval(s));
    } catch (cause) {
      throw new RuntimeError(`mustFromJson: ${(cause as Error).message}`);
    }
  },
  b64enc: (s) => Buffer.from(strval(s), "utf8").toString("base64"),
  b64dec: (s) => base64Decode(strval(s)),
  b32enc: (s) => base32Encode(strval(s)),
  b32dec: (s) => base32Decode(strval(s)),
  sha1sum: (s) => createHash("sha1").update(strval(s)).digest("hex"),
  sha256sum: (s) => createHash("sha256").update(strval(s)).digest("hex"),
  sha512sum: (s) => createHash("sha512").update(strval(s)).digest("hex"),
  adler32sum: (s) => String(adler32(strval(s))),
  uuidv4: () => randomUUID(),
};

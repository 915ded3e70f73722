import { describe, expect, it } from "vitest";
import { fnv32a } from "../../../lib/argo/node-ids";

describe("fnv32a", () => {
  it("matches the published FNV-1a 32-bit vectors", () => {
    expect(fnv32a("")).toBe(0x811c9dc5);
    expect(fnv32a("a")).toBe(0xe40c292c);
    expect(fnv32a("foobar")).toBe(0xbf9cf968);
  });
  it("hashes the UTF-8 bytes, not UTF-16 code units", () => {
    // "é" is two UTF-8 bytes (c3 a9); hashing the code unit 0xe9 would give a different value.
    let expected = 0x811c9dc5;
    for (const byte of [0xc3, 0xa9]) expected = Math.imul(expected ^ byte, 0x01000193) >>> 0;
    expect(fnv32a("é")).toBe(expected);
  });
  it("is an unsigned 32-bit integer, as Argo prints it in node ids", () => {
    const id = fnv32a("steps-abc[0].hello1");
    expect(Number.isInteger(id)).toBe(true);
    expect(id).toBeGreaterThanOrEqual(0);
    expect(id).toBeLessThan(2 ** 32);
  });
});

import { describe, expect, it } from "vitest";
import { encodeFrame, FrameReader } from "../../../lib/build/sandbox/frames";

const long = (seed: string) => `${seed} ü “quoted” \\ \n\u0000 ${"é😀".repeat(200)} ${"x".repeat(3000)}`;
const MESSAGES = [
  { ready: true },
  { id: 1, code: long("code"), dsl: { key: "k", code: long("dsl") }, filename: "a.js", parametersJson: "{}" },
  { id: 1, ok: true, resultJson: long("json") },
  {
    id: 2,
    ok: false,
    error: { code: "pipeline.throw", name: "Error", message: "boom", stack: long("stack") },
  },
  { id: 3 },
  { preload: { key: "k2", code: long("second dsl") } },
];

describe("sandbox frames (byte arrays)", () => {
  it("carry byte arrays (Buffers and Uint8Arrays) as raw bytes, decoded as Buffers", () => {
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));
    const message = { preload: { key: "k", code: long("dsl"), cache: bytes }, small: new Uint8Array([0, 1]) };
    const frame = encodeFrame(message);
    expect(frame.length).toBeLessThan(bytes.length + Buffer.byteLength(long("dsl")) + 200);
    const [decoded] = new FrameReader().push(frame) as [typeof message];
    expect(Buffer.isBuffer(decoded.preload.cache)).toBe(true);
    expect(decoded.preload.cache.equals(bytes)).toBe(true);
    expect(decoded.preload.code).toBe(message.preload.code);
    expect([...decoded.small]).toEqual([0, 1]);
  });
});

describe("sandbox frames", () => {
  it("carries messages, long strings and all, through one chunk", () => {
    const reader = new FrameReader();
    expect(reader.push(Buffer.concat(MESSAGES.map(encodeFrame)))).toEqual(MESSAGES);
  });

  it("carries them however the bytes are cut", () => {
    const bytes = Buffer.concat(MESSAGES.map(encodeFrame));
    for (const size of [1, 3, 7, 4096]) {
      const reader = new FrameReader();
      const got: unknown[] = [];
      for (let at = 0; at < bytes.length; at += size) got.push(...reader.push(bytes.subarray(at, at + size)));
      expect(got).toEqual(MESSAGES);
    }
  });
});

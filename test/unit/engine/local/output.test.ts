import { describe, expect, it } from "vitest";
import { type OutputChunk, OutputCollector } from "../../../../lib/engine/local/output";

function collect(keep: number) {
  const lines: OutputChunk[] = [];
  return { lines, out: new OutputCollector((l) => lines.push(l), keep) };
}

describe("OutputCollector", () => {
  it("splits chunks into lines per stream and emits unterminated tails at the end", () => {
    const { lines, out } = collect(0);
    out.feed("stdout", Buffer.from("a\nb"));
    out.feed("stderr", Buffer.from("e1\n"));
    out.feed("stdout", Buffer.from("c\nd"));
    expect(out.end()).toBe("");
    expect(lines).toEqual([
      { stream: "stdout", text: "a" },
      { stream: "stderr", text: "e1" },
      { stream: "stdout", text: "bc" },
      { stream: "stdout", text: "d" },
    ]);
  });

  it("keeps a UTF-8 character cut between chunks whole", () => {
    const { lines, out } = collect(16);
    const bytes = Buffer.from("é€\n");
    out.feed("stdout", bytes.subarray(0, 1));
    out.feed("stdout", bytes.subarray(1, 3));
    out.feed("stdout", bytes.subarray(3));
    expect(lines).toEqual([{ stream: "stdout", text: "é€" }]);
    expect(out.end()).toBe("é€\n");
  });

  it("keeps only the last bytes of stdout", () => {
    const { out } = collect(4);
    for (let i = 0; i < 10; i++) out.feed("stdout", Buffer.from(`${i}${i}`));
    out.feed("stderr", Buffer.from("not kept"));
    expect(out.end()).toBe("8899");
  });
});

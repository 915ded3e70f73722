import { describe, expect, it } from "vitest";
import {
  ReplyParser,
  StepServerProtocolError,
  type StepServerReply,
} from "../../../../lib/engine/local/step-server-protocol";

const wire = Buffer.concat([
  Buffer.from("R 1\nS 1 4242\nO 1 1 6\nx\ny\nz\nO 1 2 0\nF 2 ENOENT spawn nope ENOENT\nX 1 3\nX 3 0 1\n"),
]);
const expected: StepServerReply[] = [
  { kind: "ready", protocol: "1" },
  { kind: "started", id: 1, pid: 4242 },
  { kind: "output", id: 1, stream: "stdout", data: Buffer.from("x\ny\nz\n") },
  { kind: "output", id: 1, stream: "stderr", data: Buffer.alloc(0) },
  { kind: "failed", id: 2, code: "ENOENT", message: "spawn nope ENOENT" },
  { kind: "exited", id: 1, exitCode: 3 },
  { kind: "exited", id: 3, exitCode: 0, pristine: true },
];

describe("ReplyParser", () => {
  it("parses every kind of reply, output payloads with newlines included", () => {
    expect(new ReplyParser().push(wire)).toEqual(expected);
  });

  it("gives the same replies however the stream is cut", () => {
    for (const size of [1, 2, 5, 13]) {
      const parser = new ReplyParser();
      const replies: StepServerReply[] = [];
      for (let i = 0; i < wire.length; i += size) replies.push(...parser.push(wire.subarray(i, i + size)));
      expect(replies).toEqual(expected);
    }
  });

  it("rejects what is not a reply", () => {
    expect(() => new ReplyParser().push(Buffer.from("Traceback (most recent call last):\n"))).toThrow(
      StepServerProtocolError,
    );
    expect(() => new ReplyParser().push(Buffer.from("O 1 7 3\nabc"))).toThrow(StepServerProtocolError);
  });
});

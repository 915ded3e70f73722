/** A reply of the step server (see step-server-source.ts for the wire format). */
export type StepServerReply =
  | { kind: "ready"; protocol: string }
  | { kind: "started"; id: number; pid: number }
  | { kind: "failed"; id: number; code: string; message: string }
  | { kind: "output"; id: number; stream: "stdout" | "stderr"; data: Buffer }
  | { kind: "exited"; id: number; exitCode: number; pristine?: boolean };

export class StepServerProtocolError extends Error {}

/** Splits the step server's stdout into replies; chunks may cut a reply anywhere. */
export class ReplyParser {
  private buffer: Buffer = Buffer.alloc(0);

  /** Replies completed by this chunk, in order. Throws StepServerProtocolError on a malformed reply. */
  push(chunk: Buffer): StepServerReply[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const replies: StepServerReply[] = [];
    let offset = 0;
    while (true) {
      const newline = this.buffer.indexOf(10, offset);
      if (newline < 0) break;
      const header = this.buffer.toString("utf8", offset, newline);
      if (header.startsWith("O ")) {
        const [, id, stream, length] = header.split(" ");
        const start = newline + 1;
        const end = start + Number(length);
        if (!Number.isInteger(end - start) || (stream !== "1" && stream !== "2"))
          throw new StepServerProtocolError(`malformed output header "${header}"`);
        if (this.buffer.length < end) break;
        replies.push({
          kind: "output",
          id: Number(id),
          stream: stream === "1" ? "stdout" : "stderr",
          // A view: chunks are never written to after they arrive.
          data: this.buffer.subarray(start, end),
        });
        offset = end;
        continue;
      }
      replies.push(parseLine(header));
      offset = newline + 1;
    }
    this.buffer = offset >= this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(offset);
    return replies;
  }
}

function parseLine(line: string): StepServerReply {
  const [kind, a = "", b = "", c] = line.split(" ", 4);
  switch (kind) {
    case "R":
      return { kind: "ready", protocol: a };
    case "S":
      return { kind: "started", id: Number(a), pid: Number(b) };
    case "X":
      return { kind: "exited", id: Number(a), exitCode: Number(b), ...(c ? { pristine: c === "1" } : {}) };
    case "F": {
      const rest = line.split(" ").slice(3).join(" ");
      return { kind: "failed", id: Number(a), code: b, message: rest };
    }
    default:
      throw new StepServerProtocolError(`unexpected reply "${line}"`);
  }
}

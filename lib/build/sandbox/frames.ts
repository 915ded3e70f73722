// How messages between the build and its sandbox worker travel over the worker's stdin and stdout: one frame
// per message, its long strings (a pipeline's code, a manifest's JSON or YAML) as raw UTF-8 beside a small
// JSON header, so that they are neither escaped nor parsed. Plain pipes instead of Node's IPC channel spare
// the worker the modules that channel loads at start-up (net, streams, child_process: ~5-10 ms per start).
//
// Frame: u32 length of the rest | u32 header length | header (JSON, UTF-8) | per raw string: u32 length |
// UTF-8 bytes. All lengths are little-endian byte counts. In the header, a raw string stands as
// {"<RAW_KEY>": index}.

const RAW_KEY = "\u0000raw";
// Strings shorter than this stay in the header: a segment costs more than escaping them.
const RAW_FROM_LENGTH = 256;

/** Encodes a JSON-like message as one frame. */
export function encodeFrame(message: unknown): Buffer {
  const raws: string[] = [];
  const header = JSON.stringify(message, (_key, value: unknown) =>
    typeof value === "string" && value.length >= RAW_FROM_LENGTH
      ? { [RAW_KEY]: raws.push(value) - 1 }
      : value,
  );
  let length = 8 + Buffer.byteLength(header);
  for (const raw of raws) length += 4 + Buffer.byteLength(raw);
  const frame = Buffer.allocUnsafe(length);
  frame.writeUInt32LE(length - 4, 0);
  let at = 8;
  at += frame.write(header, at);
  frame.writeUInt32LE(at - 8, 4);
  for (const raw of raws) {
    const written = frame.write(raw, at + 4);
    frame.writeUInt32LE(written, at);
    at += 4 + written;
  }
  return frame;
}

/** Decodes one frame's body (the bytes after its first length). */
function decodeBody(body: Buffer): unknown {
  const headerLength = body.readUInt32LE(0);
  const raws: string[] = [];
  for (let at = 4 + headerLength; at < body.length; ) {
    const length = body.readUInt32LE(at);
    raws.push(body.toString("utf8", at + 4, at + 4 + length));
    at += 4 + length;
  }
  return JSON.parse(body.toString("utf8", 4, 4 + headerLength), (_key, value: unknown) => {
    if (value !== null && typeof value === "object" && RAW_KEY in value) {
      return raws[(value as Record<string, number>)[RAW_KEY]];
    }
    return value;
  });
}

/** Splits a byte stream into messages: `push` each chunk as it comes, in order. */
export class FrameReader {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;

  /** The messages the bytes so far complete. */
  push(chunk: Buffer): unknown[] {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    const messages: unknown[] = [];
    for (;;) {
      if (this.bufferedBytes < 4) break;
      const head = this.buffered[0].length >= 4 ? this.buffered[0] : this.joined();
      const length = head.readUInt32LE(0);
      if (this.bufferedBytes < 4 + length) break;
      const all = this.joined();
      messages.push(decodeBody(all.subarray(4, 4 + length)));
      const rest = all.subarray(4 + length);
      this.buffered = rest.length > 0 ? [rest] : [];
      this.bufferedBytes = rest.length;
    }
    return messages;
  }

  private joined(): Buffer {
    if (this.buffered.length > 1) this.buffered = [Buffer.concat(this.buffered, this.bufferedBytes)];
    return this.buffered[0];
  }
}

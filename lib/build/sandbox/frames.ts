// How messages between the build and its sandbox worker travel over the worker's stdin and stdout: one frame
// per message, its long strings (a pipeline's code, a manifest's JSON or YAML) as raw UTF-8 beside a small
// JSON header, so that they are neither escaped nor parsed. Plain pipes instead of Node's IPC channel spare
// the worker the modules that channel loads at start-up (net, streams, child_process: ~5-10 ms per start).
//
// Byte arrays (V8 code caches) travel the same way, as raw bytes.
//
// Frame: u32 length of the rest | u32 header length | header (JSON, UTF-8) | per raw segment: u32 length |
// bytes (UTF-8 for a string). All lengths are little-endian byte counts. In the header, a raw string
// stands as {"<RAW_KEY>": index}, a byte array (a Uint8Array, decoded as a Buffer) as {"<BYTES_KEY>": index}.

const RAW_KEY = "\u0000raw";
const BYTES_KEY = "\u0000bytes";
// Strings shorter than this stay in the header: a segment costs more than escaping them.
const RAW_FROM_LENGTH = 256;

/** Encodes a JSON-like message as one frame. */
export function encodeFrame(message: unknown): Buffer {
  const raws: (string | Uint8Array)[] = [];
  // `this[key]`, not `value`: JSON.stringify has already turned a Buffer into its toJSON() by then.
  const header = JSON.stringify(message, function (this: Record<string, unknown>, key, value: unknown) {
    const original = this[key];
    if (original instanceof Uint8Array) return { [BYTES_KEY]: raws.push(original) - 1 };
    return typeof value === "string" && value.length >= RAW_FROM_LENGTH
      ? { [RAW_KEY]: raws.push(value) - 1 }
      : value;
  });
  let length = 8 + Buffer.byteLength(header);
  for (const raw of raws) length += 4 + (typeof raw === "string" ? Buffer.byteLength(raw) : raw.length);
  const frame = Buffer.allocUnsafe(length);
  frame.writeUInt32LE(length - 4, 0);
  let at = 8;
  at += frame.write(header, at);
  frame.writeUInt32LE(at - 8, 4);
  for (const raw of raws) {
    let written = raw.length;
    if (typeof raw === "string") written = frame.write(raw, at + 4);
    else frame.set(raw, at + 4);
    frame.writeUInt32LE(written, at);
    at += 4 + written;
  }
  return frame;
}

/** Decodes one frame's body (the bytes after its first length). */
function decodeBody(body: Buffer): unknown {
  const headerLength = body.readUInt32LE(0);
  const segments: [start: number, end: number][] = [];
  for (let at = 4 + headerLength; at < body.length; ) {
    const length = body.readUInt32LE(at);
    segments.push([at + 4, at + 4 + length]);
    at += 4 + length;
  }
  return JSON.parse(body.toString("utf8", 4, 4 + headerLength), (_key, value: unknown) => {
    if (value !== null && typeof value === "object") {
      if (RAW_KEY in value) {
        const [start, end] = segments[(value as Record<string, number>)[RAW_KEY]];
        return body.toString("utf8", start, end);
      }
      if (BYTES_KEY in value) {
        const [start, end] = segments[(value as Record<string, number>)[BYTES_KEY]];
        return body.subarray(start, end);
      }
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

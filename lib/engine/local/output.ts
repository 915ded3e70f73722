import { StringDecoder } from "node:string_decoder";

/** One line of output from a step's process. */
export interface OutputChunk {
  stream: "stdout" | "stderr";
  text: string;
}

/**
 * Turns a step's raw stdout/stderr chunks into lines (a UTF-8 character split across chunks stays whole) and
 * keeps the tail of stdout for `outputs.result`.
 */
const EMPTY = Buffer.alloc(0);

export class OutputCollector {
  // Made on the first output: most steps print nothing, and every step has a collector.
  private decoders: Record<"stdout" | "stderr", StringDecoder> | undefined;
  private readonly partial = { stdout: "", stderr: "" };
  private tail: Buffer = EMPTY;

  constructor(
    private readonly onLine: (line: OutputChunk) => void,
    private readonly keepStdoutBytes: number,
  ) {}

  feed(stream: "stdout" | "stderr", chunk: Buffer): void {
    if (stream === "stdout" && this.keepStdoutBytes > 0) {
      this.tail = this.tail.length ? Buffer.concat([this.tail, chunk]) : Buffer.from(chunk);
      // Trimmed only past twice the limit so that a stream of small chunks is not copied every time.
      if (this.tail.length > this.keepStdoutBytes * 2)
        this.tail = this.tail.subarray(this.tail.length - this.keepStdoutBytes);
    }
    this.decoders ??= { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };
    const lines = (this.partial[stream] + this.decoders[stream].write(chunk)).split("\n");
    this.partial[stream] = lines.pop() ?? "";
    for (const text of lines) this.onLine({ stream, text });
  }

  /** Emits the unterminated last lines and returns the stdout tail (at most `keepStdoutBytes`). */
  end(): string {
    if (!this.decoders) return "";
    for (const stream of ["stdout", "stderr"] as const) {
      const rest = this.partial[stream] + this.decoders[stream].end();
      this.partial[stream] = "";
      if (rest !== "") this.onLine({ stream, text: rest });
    }
    const tail =
      this.tail.length > this.keepStdoutBytes
        ? this.tail.subarray(this.tail.length - this.keepStdoutBytes)
        : this.tail;
    return tail.toString("utf8");
  }
}

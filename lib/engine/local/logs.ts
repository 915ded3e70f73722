import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import type { LogLine } from "../../ports/engine";

/** The timestamped stdout/stderr lines of every step of one run, in memory and in `<dir>/<nodeId>.log`. */
export class LogBook {
  private readonly lines: LogLine[] = [];
  private readonly files = new Map<string, WriteStream>();
  private readonly listeners = new Set<() => void>();
  private closed = false;

  // Made with the first file, so a run restored from the journal (which logs nothing) leaves no folder behind.
  constructor(private readonly dir: string) {}

  append(line: LogLine): void {
    this.lines.push(line);
    let file = this.files.get(line.nodeId);
    if (!file) {
      if (this.files.size === 0) mkdirSync(this.dir, { recursive: true });
      file = createWriteStream(join(this.dir, `${line.nodeId}.log`), { flags: "a" });
      // The file is a convenience copy; the lines stay readable in memory if it cannot be written.
      file.on("error", () => undefined);
      this.files.set(line.nodeId, file);
    }
    file.write(`${line.time} ${line.stream} ${line.text}\n`);
    for (const l of this.listeners) l();
  }

  /** The log file's text of one node (as uploaded to `logs/<runId>/<nodeId>.log`). */
  text(nodeId: string): string {
    return this.lines
      .filter((l) => l.nodeId === nodeId)
      .map((l) => `${l.time} ${l.stream} ${l.text}\n`)
      .join("");
  }

  /** One node's lines as its container wrote them (Argo's archived log: no timestamps, the streams merged). */
  plainText(nodeId: string): string {
    return this.lines
      .filter((l) => l.nodeId === nodeId)
      .map((l) => `${l.text}\n`)
      .join("");
  }

  /** Ends following readers and closes the files. */
  async close(): Promise<void> {
    this.closed = true;
    for (const l of this.listeners) l();
    await Promise.all(
      [...this.files.values()].map((f) => new Promise<void>((resolve) => f.end(() => resolve()))),
    );
    this.files.clear();
  }

  /** Lines so far (optionally of one node); with `follow`, keeps yielding until `isDone()` or the book closes. */
  async *read(options: {
    nodeId?: string;
    follow?: boolean;
    signal?: AbortSignal;
    isDone: () => boolean;
  }): AsyncGenerator<LogLine> {
    let index = 0;
    while (true) {
      while (index < this.lines.length) {
        const line = this.lines[index++];
        if (line && (!options.nodeId || line.nodeId === options.nodeId)) yield line;
      }
      if (!options.follow || this.closed || options.isDone() || options.signal?.aborted) return;
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.listeners.delete(wake);
          options.signal?.removeEventListener("abort", wake);
          resolve();
        };
        this.listeners.add(wake);
        options.signal?.addEventListener("abort", wake);
        // Re-check periodically: node completion does not append a line.
        setTimeout(wake, 200).unref();
      });
    }
  }
}

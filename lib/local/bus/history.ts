import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { busName, type EventEnvelope } from "./envelope";

export interface EventHistoryOptions {
  /**
   * JSON-lines file the history is kept in, so that it survives a restart of the bus (and a kill -9: each
   * event is appended before PutEvents answers). In memory only when omitted.
   */
  file?: string;
  /** How many events are kept (the newest). Defaults to 1000. */
  size?: number;
  /** Where a failure to persist is reported. Defaults to stderr. */
  log?: (message: string) => void;
}

export interface HistoryEntry {
  bus: string;
  event: EventEnvelope;
}

/** Events after a cursor, and whether the cursor was still in the history (false: events may be missing). */
export interface Replay {
  events: HistoryEntry[];
  found: boolean;
}

/**
 * The bus's recent events, oldest first, bounded, optionally persisted: what `GET /events` lists and what a
 * follower that reconnects with `Last-Event-ID` is replayed from. The file is appended to and rewritten with
 * the newest `size` events once it holds twice as many, so it stays bounded without a write per event.
 */
export class EventHistory {
  private readonly entries: HistoryEntry[] = [];
  private readonly size: number;
  private readonly log: (message: string) => void;
  private linesInFile = 0;
  private failed = false;

  constructor(private readonly options: EventHistoryOptions = {}) {
    this.size = Math.max(1, options.size ?? 1000);
    this.log = options.log ?? ((message) => process.stderr.write(`${message}\n`));
    if (options.file) this.load(options.file);
  }

  get length(): number {
    return this.entries.length;
  }

  record(event: EventEnvelope, bus: string): void {
    const entry = { bus, event };
    this.entries.push(entry);
    if (this.entries.length > this.size) this.entries.splice(0, this.entries.length - this.size);
    const file = this.options.file;
    if (!file) return;
    try {
      if (this.linesInFile + 1 > 2 * this.size) this.rewrite(file);
      else {
        appendFileSync(file, `${JSON.stringify(entry)}\n`);
        this.linesInFile++;
      }
      this.failed = false;
    } catch (error) {
      // The event is still delivered and kept in memory; only a restart would lose it. Said once per outage.
      if (!this.failed)
        this.log(`bus: persisting event ${event.id} to ${file} failed: ${(error as Error).message}`);
      this.failed = true;
    }
  }

  /** The kept events, oldest first, of one bus or all. */
  list(bus?: string): EventEnvelope[] {
    return this.select(this.entries, bus).map((e) => e.event);
  }

  /**
   * The kept events that came after the event `id`. When `id` is no longer (or never was) in the history,
   * every kept event, with `found: false`.
   */
  after(id: string, bus?: string): Replay {
    const at = this.entries.findLastIndex((e) => e.event.id === id);
    const from = at < 0 ? this.entries : this.entries.slice(at + 1);
    return { events: this.select(from, bus), found: at >= 0 };
  }

  private select(entries: HistoryEntry[], bus: string | undefined): HistoryEntry[] {
    if (bus === undefined) return [...entries];
    const name = busName(bus);
    return entries.filter((e) => e.bus === name);
  }

  private load(file: string): void {
    mkdirSync(dirname(file), { recursive: true });
    if (!existsSync(file)) return;
    const lines = readFileSync(file, "utf8").split("\n");
    for (const line of lines) {
      if (line.trim() === "") continue;
      try {
        const entry = JSON.parse(line) as HistoryEntry;
        if (typeof entry?.bus === "string" && typeof entry.event?.id === "string") this.entries.push(entry);
      } catch {
        // A line cut short by a kill during its write: the event it held had not been acknowledged.
      }
    }
    if (this.entries.length > this.size) this.entries.splice(0, this.entries.length - this.size);
    this.rewrite(file);
  }

  /** Writes the kept events to a new file and swaps it in, so a crash leaves the old or the new one whole. */
  private rewrite(file: string): void {
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, this.entries.map((e) => `${JSON.stringify(e)}\n`).join(""));
    renameSync(temporary, file);
    this.linesInFile = this.entries.length;
  }
}

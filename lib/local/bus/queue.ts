import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EventEnvelope } from "./envelope";

/** One event on its way to one target (a rule's function or a webhook). */
export interface Delivery {
  /** `rule:<name>` or `webhook:<url>`: what delivers it after a restart. */
  target: string;
  bus: string;
  event: EventEnvelope;
  /** When the bus accepted it (ISO time); the event's age counts from here. */
  acceptedAt: string;
  /** Set once it is parked: why its last attempt failed. */
  lastError?: string;
}

type Folder = "pending" | "parked";

/**
 * The bus's deliveries on disk: `pending/` holds each accepted event until its target took it (so a kill of the
 * process loses none: the next start delivers what is left), `parked/` the ones whose retries ran out (EventBridge's
 * dead-letter queue), until a redrive delivers them. Without a directory only the parked ones are kept, in memory.
 * Writes are synchronous, so PutEvents answers only once the event is on disk.
 */
export class DeliveryQueue {
  /** Without a directory: the parked deliveries, in memory. */
  private readonly memory = new Map<string, Delivery>();

  constructor(private readonly dir?: string) {
    if (dir) for (const folder of ["pending", "parked"]) mkdirSync(join(dir, folder), { recursive: true });
  }

  /** The key of a delivery: stable across restarts, one file per event and target. */
  static key(delivery: Pick<Delivery, "event" | "target">): string {
    const target = createHash("sha256").update(delivery.target).digest("hex").slice(0, 16);
    return `${delivery.event.id}.${target}`;
  }

  add(delivery: Delivery): void {
    this.write("pending", delivery);
  }

  /** Its retries ran out: kept in `parked/` until a redrive. */
  park(delivery: Delivery): void {
    if (!this.dir) {
      this.memory.set(DeliveryQueue.key(delivery), delivery);
      return;
    }
    this.write("parked", delivery);
    rmSync(this.file("pending", DeliveryQueue.key(delivery)), { force: true });
  }

  /** Delivered: forgotten (from either folder). */
  done(delivery: Delivery): void {
    const key = DeliveryQueue.key(delivery);
    this.memory.delete(key);
    if (!this.dir) return;
    rmSync(this.file("pending", key), { force: true });
    rmSync(this.file("parked", key), { force: true });
  }

  /** Takes a parked delivery back to `pending/` for a redrive. */
  unpark(delivery: Delivery): void {
    const key = DeliveryQueue.key(delivery);
    this.memory.delete(key);
    if (!this.dir) return;
    renameSync(this.file("parked", key), this.file("pending", key));
  }

  /** What a folder holds, oldest first; unreadable files (cut short) are named to `onBad` and skipped. */
  list(folder: Folder, onBad: (file: string, error: Error) => void = () => {}): Delivery[] {
    if (!this.dir) return folder === "parked" ? [...this.memory.values()] : [];
    const deliveries: Delivery[] = [];
    for (const name of readdirSync(join(this.dir, folder))) {
      if (!name.endsWith(".json")) continue;
      const file = join(this.dir, folder, name);
      try {
        deliveries.push(JSON.parse(readFileSync(file, "utf8")) as Delivery);
      } catch (error) {
        onBad(file, error as Error);
      }
    }
    return deliveries.sort((a, b) => a.acceptedAt.localeCompare(b.acceptedAt));
  }

  private write(folder: Folder, delivery: Delivery): void {
    if (!this.dir) return;
    const file = this.file(folder, DeliveryQueue.key(delivery));
    const temporary = `${file}.tmp`;
    writeFileSync(temporary, JSON.stringify(delivery));
    renameSync(temporary, file);
  }

  private file(folder: Folder, key: string): string {
    return join(this.dir as string, folder, `${key}.json`);
  }
}

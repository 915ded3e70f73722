import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import type { BusEvent, EventBus } from "../../ports/event-bus";

export class PublishError extends Error {
  constructor(
    message: string,
    /** The entries that were not accepted, with EventBridge's error code for each. */
    readonly failures: Array<{ detailType: string; errorCode?: string; errorMessage?: string }> = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "PublishError";
  }
}

export interface EventBridgeBusOptions {
  /** Name or ARN of the event bus. */
  busName: string;
  /** Default: a new `EventBridgeClient` from the environment (`AWS_ENDPOINT_URL_EVENTBRIDGE` locally). */
  client?: EventBridgeClient;
  /** Attempts per entry that EventBridge reports as failed (throttling, internal errors). Default: 5. */
  maxAttempts?: number;
  /** First retry delay in ms, doubled each attempt, with jitter. Default: 50. */
  baseDelayMs?: number;
}

const defaults = { maxAttempts: 5, baseDelayMs: 50 };
/** PutEvents takes at most 10 entries and 256 KB per request. */
const ENTRIES_PER_REQUEST = 10;
const MAX_ENTRY_BYTES = 256 * 1024;

/** The `EventBus` port on EventBridge: PutEvents in chunks of 10, re-sending only the entries that failed. */
export class EventBridgeBus implements EventBus {
  private readonly client: EventBridgeClient;
  private readonly options: Required<Omit<EventBridgeBusOptions, "client">>;

  constructor(options: EventBridgeBusOptions) {
    this.options = { ...defaults, ...options };
    this.client = options.client ?? new EventBridgeClient({});
  }

  async publish(events: BusEvent[]): Promise<void> {
    const entries = events.map((e) => this.entry(e));
    for (let i = 0; i < entries.length; i += ENTRIES_PER_REQUEST) {
      await this.putWithRetries(entries.slice(i, i + ENTRIES_PER_REQUEST));
    }
  }

  private entry(event: BusEvent): PutEventsRequestEntry {
    const entry: PutEventsRequestEntry = {
      EventBusName: this.options.busName,
      Source: event.source,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      Time: event.time,
      Resources: event.resources,
    };
    // EventBridge counts the UTF-8 size of source, detail-type, detail and resources.
    const size = [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])].reduce(
      (sum, part) => sum + Buffer.byteLength(part ?? "", "utf8"),
      0,
    );
    if (size > MAX_ENTRY_BYTES) {
      throw new PublishError(
        `event "${event.detailType}" is ${size} bytes; EventBridge accepts at most 256 KB`,
        [{ detailType: event.detailType, errorCode: "EntryTooLarge" }],
      );
    }
    return entry;
  }

  private async putWithRetries(batch: PutEventsRequestEntry[]): Promise<void> {
    let pending = batch;
    let failures: PublishError["failures"] = [];
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      let out: PutEventsCommandOutput;
      try {
        out = await this.client.send(new PutEventsCommand({ Entries: pending }));
      } catch (error) {
        if (attempt === this.options.maxAttempts) {
          throw new PublishError(
            `PutEvents failed after ${attempt} attempts: ${(error as Error).message}`,
            [],
            {
              cause: error,
            },
          );
        }
        await this.sleep(attempt);
        continue;
      }
      const results = out.Entries ?? [];
      const retry: PutEventsRequestEntry[] = [];
      failures = [];
      pending.forEach((entry, i) => {
        const result = results[i];
        if (result?.ErrorCode) {
          retry.push(entry);
          failures.push({
            detailType: entry.DetailType ?? "",
            errorCode: result.ErrorCode,
            errorMessage: result.ErrorMessage,
          });
        }
      });
      if (!retry.length) return;
      pending = retry;
      if (attempt < this.options.maxAttempts) await this.sleep(attempt);
    }
    const codes = [...new Set(failures.map((f) => f.errorCode))].join(", ");
    throw new PublishError(
      `${failures.length} event(s) not accepted by EventBridge after ${this.options.maxAttempts} attempts (${codes})`,
      failures,
    );
  }

  private sleep(attempt: number): Promise<void> {
    const ms = this.options.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

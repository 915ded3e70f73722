import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../credentials";
import { withDefaults } from "../options";
import {
  busName,
  EntryError,
  type EventEnvelope,
  type PutEventsEntry,
  type PutEventsResultEntry,
  toEnvelope,
} from "./envelope";
import { compilePattern, type EventMatcher } from "./pattern";
import { type Delivery, DeliveryQueue } from "./queue";

/** Receives a delivered event; a rejection counts as a failed delivery and is retried. */
export type EventTarget = (event: EventEnvelope) => Promise<unknown> | unknown;

export interface RuleDefinition {
  /** Shown in logs, e.g. `watcher-eventBridge-1`. */
  name: string;
  /** Bus name or ARN; `default` when omitted. */
  eventBus?: string;
  /** EventBridge event pattern (object or JSON text). */
  pattern: unknown;
  target: EventTarget;
  /** Retries after a failed delivery (serverless's `retryPolicy.maximumRetryAttempts`). Defaults to the router's. */
  maximumRetryAttempts?: number;
  /** No retry starts once the event is this old (serverless's `retryPolicy.maximumEventAge`, in ms). Default none. */
  maximumEventAgeMs?: number;
}

export interface WebhookDefinition {
  url: string;
  /** Only events matching this EventBridge pattern are posted; every event when omitted. */
  pattern?: unknown;
}

export interface EventRouterOptions {
  account?: string;
  region?: string;
  /** Buses that exist besides `default`. */
  buses?: string[];
  rules?: RuleDefinition[];
  webhooks?: WebhookDefinition[];
  /**
   * Delays between delivery attempts, the last one repeating for further retries (a back-off: e.g. doubling up to
   * a cap). Rules without `maximumRetryAttempts` retry once per entry. Defaults to 200 ms then 1 s.
   */
  retryDelaysMs?: number[];
  /**
   * Where accepted deliveries are kept until their target takes them, and where those whose retries ran out are
   * parked (the dead-letter queue); a new router on the same folder delivers what was left. Default none (memory).
   */
  queueDir?: string;
  /** How many delivered events `history()` keeps. Defaults to 1000. */
  historySize?: number;
  /** Where delivery failures are reported. Defaults to stderr. */
  log?: (message: string) => void;
}

interface CompiledRule {
  name: string;
  bus: string;
  matches: EventMatcher;
  target: EventTarget;
  retries: number;
  maxAgeMs: number;
}

/** A subscriber sees every event accepted on a bus, as delivered. */
export type Subscriber = (event: EventEnvelope, bus: string) => void;

const defaults = {
  account: LOCAL_ACCOUNT_ID,
  region: LOCAL_REGION,
  buses: [] as string[],
  rules: [] as RuleDefinition[],
  webhooks: [] as WebhookDefinition[],
  retryDelaysMs: [200, 1000],
  historySize: 1000,
  log: (message: string): void => {
    process.stderr.write(`${message}\n`);
  },
};

/**
 * The embedded EventBridge minus HTTP: accepts PutEvents entries, wraps them in the EventBridge envelope, and
 * delivers each to the matching rules' targets, the webhooks and the subscribers, asynchronously (PutEvents
 * returns before delivery, as in AWS).
 */
export class EventRouter {
  private readonly opts: typeof defaults;
  private readonly buses: Set<string>;
  private readonly rules: CompiledRule[] = [];
  private readonly webhooks: Array<{ url: string; matches: EventMatcher }> = [];
  private readonly subscribers = new Set<Subscriber>();
  private readonly recent: Array<{ event: EventEnvelope; bus: string }> = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly queue: DeliveryQueue;
  /** Deliveries a previous router on the same queue left unfinished (it stopped or was killed). */
  private leftover: Delivery[];
  /** Keys of the deliveries being attempted now, so that a redrive does not start a second one. */
  private readonly delivering = new Set<string>();
  private closed = false;
  private readonly closing = new AbortController();
  private redriveTimer: NodeJS.Timeout | undefined;

  constructor(options: EventRouterOptions = {}) {
    const { queueDir, ...rest } = options;
    this.opts = withDefaults(defaults, rest);
    this.queue = new DeliveryQueue(queueDir);
    this.leftover = this.queue.list("pending", (file, error) =>
      this.opts.log(`bus: ${file} could not be read, left there: ${error.message}`),
    );
    this.buses = new Set(["default", ...this.opts.buses.map(busName)]);
    for (const rule of this.opts.rules) this.addRule(rule);
    for (const webhook of this.opts.webhooks) this.addWebhook(webhook);
  }

  /** Creates a bus (idempotent); PutEvents to a bus that does not exist fails, as in AWS. */
  addBus(nameOrArn: string): void {
    this.buses.add(busName(nameOrArn));
  }

  /** Adds a rule; the pattern is validated now (a `PatternError` names the bad part). */
  addRule(rule: RuleDefinition): void {
    const bus = busName(rule.eventBus);
    this.buses.add(bus);
    this.rules.push({
      name: rule.name,
      bus,
      matches: compilePattern(rule.pattern),
      target: rule.target,
      retries: rule.maximumRetryAttempts ?? this.opts.retryDelaysMs.length,
      maxAgeMs: rule.maximumEventAgeMs ?? Number.POSITIVE_INFINITY,
    });
  }

  addWebhook(webhook: WebhookDefinition): void {
    const url = new URL(webhook.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new Error(`webhook ${webhook.url}: only http and https URLs can be posted to`);
    }
    const matches = webhook.pattern === undefined ? () => true : compilePattern(webhook.pattern);
    this.webhooks.push({ url: url.href, matches });
  }

  /** Listens to every accepted event; returns the unsubscribe function. */
  subscribe(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  /** Recently accepted events, oldest first. */
  history(bus?: string): EventEnvelope[] {
    return this.recent.filter((r) => bus === undefined || r.bus === busName(bus)).map((r) => r.event);
  }

  /** PutEvents semantics: each entry is accepted or refused on its own; accepted ones are delivered later. */
  putEvents(entries: PutEventsEntry[]): { FailedEntryCount: number; Entries: PutEventsResultEntry[] } {
    let failed = 0;
    const results = entries.map((entry): PutEventsResultEntry => {
      try {
        const bus = busName(entry.EventBusName);
        if (!this.buses.has(bus))
          throw new EntryError("ResourceNotFoundException", `Event bus ${bus} does not exist.`);
        const event = toEnvelope(entry, this.opts);
        this.accept(event, bus);
        return { EventId: event.id };
      } catch (error) {
        failed++;
        if (error instanceof EntryError) return { ErrorCode: error.code, ErrorMessage: error.message };
        return { ErrorCode: "InternalFailure", ErrorMessage: (error as Error).message };
      }
    });
    return { FailedEntryCount: failed, Entries: results };
  }

  /** Resolves once every delivery started so far has finished (retries included). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Delivers again what is parked, and what a previous router on the same queue left unfinished; each gets a new
   * round of retries, and is parked again if they run out. Resolves once the attempts have settled.
   */
  async redrive(): Promise<void> {
    const leftover = this.leftover;
    this.leftover = [];
    const parked = this.queue.list("parked", (file, error) =>
      this.opts.log(`bus: ${file} could not be read, left there: ${error.message}`),
    );
    const started: Promise<void>[] = [];
    for (const delivery of [...leftover, ...parked]) {
      if (this.closed || this.delivering.has(DeliveryQueue.key(delivery))) continue;
      const sender = this.senderOf(delivery);
      if (!sender) {
        this.opts.log(
          `bus: no target ${delivery.target} any more for event ${delivery.event.id}; left parked`,
        );
        if (!parked.includes(delivery)) this.queue.park(delivery);
        continue;
      }
      if (parked.includes(delivery)) this.queue.unpark(delivery);
      const { lastError: _, ...fresh } = delivery;
      started.push(this.track(this.deliver(fresh, sender.send, sender.retries, sender.maxAgeMs, true)));
    }
    await Promise.allSettled(started);
  }

  /** Redrives every `intervalMs` (parked deliveries, as a scheduled redrive of a dead-letter queue would). */
  startRedrive(intervalMs: number): void {
    if (this.redriveTimer || this.closed) return;
    this.redriveTimer = setInterval(() => void this.redrive(), intervalMs);
    this.redriveTimer.unref();
  }

  /** Stops delivering: attempts under way end, what they had not delivered stays queued for the next router. */
  close(): void {
    this.closed = true;
    this.closing.abort();
    if (this.redriveTimer) clearInterval(this.redriveTimer);
  }

  private senderOf(
    delivery: Delivery,
  ): { send: () => unknown; retries: number; maxAgeMs: number } | undefined {
    const [kind, ...rest] = delivery.target.split(":");
    const name = rest.join(":");
    if (kind === "rule") {
      const rule = this.rules.find((r) => r.name === name);
      if (!rule) return undefined;
      return {
        send: () => rule.target(structuredClone(delivery.event)),
        retries: rule.retries,
        maxAgeMs: rule.maxAgeMs,
      };
    }
    const webhook = this.webhooks.find((w) => w.url === name);
    if (!webhook) return undefined;
    return {
      send: () => post(webhook.url, delivery.event),
      retries: this.opts.retryDelaysMs.length,
      maxAgeMs: Number.POSITIVE_INFINITY,
    };
  }

  private accept(event: EventEnvelope, bus: string): void {
    this.recent.push({ event, bus });
    if (this.recent.length > this.opts.historySize) this.recent.shift();
    for (const subscriber of this.subscribers) {
      try {
        subscriber(event, bus);
      } catch (error) {
        this.opts.log(`event subscriber failed: ${(error as Error).message}`);
      }
    }
    const acceptedAt = new Date().toISOString();
    for (const rule of this.rules) {
      if (rule.bus === bus && rule.matches(event)) {
        const delivery: Delivery = { target: `rule:${rule.name}`, bus, event, acceptedAt };
        this.queue.add(delivery);
        const send = () => rule.target(structuredClone(event));
        this.track(this.deliver(delivery, send, rule.retries, rule.maxAgeMs));
      }
    }
    for (const webhook of this.webhooks) {
      if (webhook.matches(event)) {
        const delivery: Delivery = { target: `webhook:${webhook.url}`, bus, event, acceptedAt };
        this.queue.add(delivery);
        const send = () => post(webhook.url, event);
        this.track(this.deliver(delivery, send, this.opts.retryDelaysMs.length, Number.POSITIVE_INFINITY));
      }
    }
  }

  private track(delivery: Promise<void>): Promise<void> {
    this.inFlight.add(delivery);
    delivery.finally(() => this.inFlight.delete(delivery));
    return delivery;
  }

  /**
   * Attempts one delivery with back-off: `retries` retries, none started once the event is older than
   * `maxAgeMs`; then it is parked (never dropped). A closed router stops attempting and leaves it queued.
   */
  private async deliver(
    delivery: Delivery,
    send: () => unknown,
    retries: number,
    maxAgeMs: number,
    redriven = false,
  ): Promise<void> {
    const key = DeliveryQueue.key(delivery);
    this.delivering.add(key);
    try {
      // Start on a later tick so that PutEvents has answered before any target runs, as in AWS.
      await Promise.resolve();
      const { event } = delivery;
      const to = delivery.target.replace(/^(rule|webhook):/, "$1 ");
      const attempts = retries + 1;
      const delays = this.opts.retryDelaysMs;
      // A redrive gives the event a new budget: its age counts from now.
      const since = redriven ? Date.now() : Date.parse(delivery.acceptedAt);
      for (let attempt = 1; attempt <= attempts && !this.closed; attempt++) {
        try {
          await send();
          this.queue.done(delivery);
          return;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          // Past the configured delays, the last one repeats.
          const wait = delays[Math.min(attempt - 1, delays.length - 1)] ?? 0;
          if (attempt === attempts || Date.now() - since + wait > maxAgeMs) {
            if (this.closed) return;
            this.queue.park({ ...delivery, lastError: message });
            this.opts.log(
              `bus: delivering event ${event.id} (${event["detail-type"]}) to ${to} failed ${attempt} times, parked for a redrive: ${message}`,
            );
            return;
          }
          this.opts.log(
            `bus: delivering event ${event.id} to ${to} failed (attempt ${attempt}), retrying: ${message}`,
          );
          await abortableDelay(wait, this.closing.signal);
        }
      }
    } finally {
      this.delivering.delete(key);
    }
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}

async function post(url: string, event: EventEnvelope): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(event),
    signal: AbortSignal.timeout(10_000),
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
}

import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../credentials";
import { delay } from "../net";
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
  /** Delays between delivery attempts; one retry per entry. Defaults to 2 retries (as Lambda's async invoke), 200 ms then 1 s. */
  retryDelaysMs?: number[];
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

  constructor(options: EventRouterOptions = {}) {
    this.opts = withDefaults(defaults, options);
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
    for (const rule of this.rules) {
      if (rule.bus === bus && rule.matches(event)) {
        this.track(
          this.deliver(`rule ${rule.name}`, event, () => rule.target(structuredClone(event)), rule.retries),
        );
      }
    }
    for (const webhook of this.webhooks) {
      if (webhook.matches(event))
        this.track(this.deliver(`webhook ${webhook.url}`, event, () => post(webhook.url, event)));
    }
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    delivery.finally(() => this.inFlight.delete(delivery));
  }

  private async deliver(
    to: string,
    event: EventEnvelope,
    send: () => unknown,
    retries = this.opts.retryDelaysMs.length,
  ): Promise<void> {
    // Start on a later tick so that PutEvents has answered before any target runs, as in AWS.
    await Promise.resolve();
    const attempts = retries + 1;
    const delays = this.opts.retryDelaysMs;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await send();
        return;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (attempt === attempts) {
          this.opts.log(
            `bus: delivering event ${event.id} (${event["detail-type"]}) to ${to} failed ${attempts} times, dropped: ${message}`,
          );
          return;
        }
        this.opts.log(
          `bus: delivering event ${event.id} to ${to} failed (attempt ${attempt}), retrying: ${message}`,
        );
        // Past the configured delays, the last one repeats.
        await delay(delays[Math.min(attempt - 1, delays.length - 1)] ?? 0);
      }
    }
  }
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

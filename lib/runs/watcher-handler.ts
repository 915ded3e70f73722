import {
  type ScheduledEvent,
  scheduledEventSchema,
  type WorkflowStatusChangeEvent,
  workflowStatusChangeEventSchema,
} from "../events/contracts";
import {
  type ReconcileOutcome,
  type SweepReport,
  Watcher,
  type WatcherDeps,
  type WatcherOptions,
} from "./watcher";

/** The trigger was neither an engine status change nor the sweep schedule (or was malformed). */
export class InvalidWatcherEventError extends Error {
  constructor(
    message: string,
    readonly issues: Array<{ field: string; message: string }>,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "InvalidWatcherEventError";
  }
}

/** Where the handler reports (Powertools' Logger fits). */
export interface WatcherLog {
  info(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export type WatcherResult =
  | { kind: "status-change"; outcome: ReconcileOutcome }
  | { kind: "sweep"; report: SweepReport }
  | {
      kind: "redrive";
      /** SQS's partial batch response: the messages to keep in the queue for a later attempt. */
      batchItemFailures: Array<{ itemIdentifier: string }>;
    };

interface SqsRecord {
  messageId: string;
  body: string;
  eventSource: "aws:sqs";
}

/** The watcher's redrive queue hands over a batch of parked events (SQS → Lambda). */
function isSqsBatch(event: unknown): event is { Records: SqsRecord[] } {
  const records = (event as { Records?: unknown } | null)?.Records;
  return (
    Array.isArray(records) &&
    records.length > 0 &&
    records.every((r) => (r as { eventSource?: unknown })?.eventSource === "aws:sqs")
  );
}

/**
 * The event a parked message holds: EventBridge's dead-letter queue keeps the event itself as the body, Lambda's
 * on-failure destination wraps it as `requestPayload`.
 */
export function parkedEvent(body: string): unknown {
  const parsed = JSON.parse(body) as { requestPayload?: unknown };
  return parsed && typeof parsed === "object" && "requestPayload" in parsed ? parsed.requestPayload : parsed;
}

/**
 * The watcher Lambda's logic, independent of how its dependencies are made: parses the EventBridge event,
 * then runs either `Watcher.handleStatusChange` or `Watcher.sweep`. Dependencies are created on the first
 * invocation and reused (Lambda keeps the container warm).
 */
export function createWatcherHandler(
  makeDeps: () => WatcherDeps | Promise<WatcherDeps>,
  options: WatcherOptions & { log?: WatcherLog } = {},
): (event: unknown) => Promise<WatcherResult> {
  let watcher: Promise<Watcher> | undefined;
  const { log, ...watcherOptions } = options;
  const handle = async (event: unknown): Promise<WatcherResult> => {
    if (isSqsBatch(event)) {
      // A redrive: each parked event is handled as it first came; one that fails again stays in the queue.
      const batchItemFailures: Array<{ itemIdentifier: string }> = [];
      for (const record of event.Records) {
        try {
          await handle(parkedEvent(record.body));
        } catch (error) {
          if (error instanceof InvalidWatcherEventError || error instanceof SyntaxError) {
            // Never valid: keeping it would only fail again, for as long as the queue keeps messages.
            log?.error("parked event dropped: not a watcher event", {
              messageId: record.messageId,
              error: String(error),
            });
            continue;
          }
          log?.error("parked event failed again, kept", {
            messageId: record.messageId,
            error: String(error),
          });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { kind: "redrive", batchItemFailures };
    }
    const parsed = parseWatcherEvent(event);
    watcher ??= Promise.resolve(makeDeps()).then((deps) => new Watcher(deps, watcherOptions));
    const w = await watcher.catch((error: unknown) => {
      watcher = undefined; // let the next invocation try again
      throw error;
    });
    if (parsed.source === "aws.events") {
      const report = await w.sweep();
      const summary = {
        activeRunsChecked: report.activeRunsChecked,
        completedWorkflowsChecked: report.completedWorkflowsChecked,
        changed: report.outcomes.filter((o) => o.action !== "unchanged" && o.action !== "waiting").length,
        errors: report.errors,
      };
      if (report.errors.length) log?.error("sweep finished with errors", summary);
      else log?.info("sweep finished", summary);
      return { kind: "sweep", report };
    }
    const outcome = await w.handleStatusChange((parsed as WorkflowStatusChangeEvent).detail);
    log?.info("status change handled", { ...outcome });
    return { kind: "status-change", outcome };
  };
  return handle;
}

export function parseWatcherEvent(event: unknown): WorkflowStatusChangeEvent | ScheduledEvent {
  // Parse against the branch the source names, so that the issues point into that event's fields.
  const source = (event as { source?: unknown } | null)?.source;
  const schema = source === "aws.events" ? scheduledEventSchema : workflowStatusChangeEventSchema;
  const parsed = schema.safeParse(event);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({
    field: i.path.join(".") || "(event)",
    message: i.message,
  }));
  throw new InvalidWatcherEventError(
    `the watcher takes "Workflow Status Change" events from skiff.engine and the scheduled sweep; got ${
      typeof source === "string" ? `an event from ${source}` : "something else"
    }: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`,
    issues,
  );
}

/**
 * `SKIFF_NO_STATUS_TIMEOUT_SECONDS`: how long a run's workflow may go without a status before the sweep closes
 * the run as `Error`. Default: 300 s.
 */
export function noStatusTimeoutFromEnv(env: Record<string, string | undefined>): number {
  const raw = env.SKIFF_NO_STATUS_TIMEOUT_SECONDS;
  if (raw === undefined || raw === "") return 300_000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new Error(`SKIFF_NO_STATUS_TIMEOUT_SECONDS must be a positive number of seconds, got "${raw}"`);
  }
  return seconds * 1000;
}

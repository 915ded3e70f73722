import { Logger } from "@aws-lambda-powertools/logger";
import { scheduledEventSchema } from "../../events/contracts";
import type { ScheduleService, TickOutcome } from "./service";

export interface ScheduleTickLog {
  info(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

const powertoolsLog = (logger: Logger): ScheduleTickLog => ({
  info: (message, extra) => logger.info(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
});

/** Thrown for an event that is not EventBridge's scheduled event (the tick's only trigger). */
export class InvalidScheduleTickEventError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidScheduleTickEventError";
  }
}

/**
 * The `schedules` function: once a minute, starts the runs that CronWorkflow pipelines' schedules make due.
 * Decided against the clock, not the event's `time`: a retried invocation must not revive a missed firing.
 */
export function createScheduleTickHandler(
  service: () => Promise<ScheduleService>,
  log: ScheduleTickLog = powertoolsLog(new Logger({ serviceName: "skiff-schedules" })),
) {
  return async (event: unknown): Promise<TickOutcome[]> => {
    const parsed = scheduledEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new InvalidScheduleTickEventError(
        `the schedules function takes EventBridge's scheduled event: ${parsed.error.issues
          .map((i) => `${i.path.join(".") || "event"}: ${i.message}`)
          .join("; ")}`,
      );
    }
    const outcomes = await (await service()).tick();
    for (const outcome of outcomes) {
      if (outcome.kind === "error") log.error("schedule firing failed", { ...outcome });
      else if (outcome.kind === "started" || outcome.kind === "skipped")
        log.info("schedule fired", { ...outcome });
    }
    return outcomes;
  };
}

import { randomUUID } from "node:crypto";
import { CronExpressionParser } from "cron-parser";
import { formatEventTime } from "./bus/envelope";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "./credentials";

export class ScheduleError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ScheduleError";
  }
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * When an EventBridge schedule expression fires next, after `from`. `rate(5 minutes)` counts from `from`;
 * `cron(min hour day-of-month month day-of-week year)` is AWS's six-field cron in UTC (day-of-week 1 = Sunday).
 */
export function nextFire(expression: string, from: Date): Date {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2].replace(/s$/, "");
    if (value < 1) throw new ScheduleError(`${expression}: the rate must be a positive number`);
    if ((value === 1) !== (unit === rate[2])) {
      throw new ScheduleError(
        `${expression}: use the singular unit for 1 and the plural otherwise, as EventBridge does`,
      );
    }
    return new Date(from.getTime() + value * UNIT_MS[unit]);
  }
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron) throw new ScheduleError(`${expression}: expected rate(<n> <unit>) or cron(<6 fields>)`);
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) throw new ScheduleError(`${expression}: AWS cron expressions have 6 fields`);
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields;
  // AWS numbers days of the week 1-7 from Sunday; cron-parser 0-6. The number after `#` is an ordinal.
  const weekday = dayOfWeek.replace(
    /(^|[^#\d])(\d+)/g,
    (_, before: string, day: string) => `${before}${Number(day) - 1}`,
  );
  const standard = [minute, hour, dayOfMonth, month, weekday].map((f) => (f === "?" ? "*" : f)).join(" ");
  try {
    const interval = CronExpressionParser.parse(standard, { currentDate: from, tz: "UTC" });
    for (let i = 0; i < 1000; i++) {
      const next = interval.next().toDate();
      if (year === "*" || matchesYear(year, next.getUTCFullYear())) return next;
    }
  } catch (cause) {
    throw new ScheduleError(`${expression}: ${(cause as Error).message}`, { cause });
  }
  throw new ScheduleError(`${expression}: never fires`);
}

function matchesYear(field: string, year: number): boolean {
  return field.split(",").some((part) => {
    const [range, step = "1"] = part.split("/");
    const [low, high = range.includes("-") ? undefined : low] = range.split("-");
    const from = Number(low);
    const to = high === undefined ? Number.POSITIVE_INFINITY : Number(high);
    return year >= from && year <= to && (year - from) % Number(step) === 0;
  });
}

/** The event EventBridge Scheduler rules deliver (`aws.events` / `Scheduled Event`). */
export function scheduledEvent(ruleName: string, time: Date = new Date(), region = LOCAL_REGION) {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: LOCAL_ACCOUNT_ID,
    time: formatEventTime(time),
    region,
    resources: [`arn:aws:events:${region}:${LOCAL_ACCOUNT_ID}:rule/${ruleName}`],
    detail: {},
  };
}

export interface ScheduledJob {
  name: string;
  expression: string;
  run: () => Promise<void>;
}

/** Runs jobs on their schedules until stopped; a job is not started again while its last run is going. */
export class Scheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  /** `everyMs` replaces every job's expression by a fixed period (tests that cannot wait a minute). */
  constructor(
    private readonly jobs: ScheduledJob[],
    private readonly everyMs?: number,
  ) {
    for (const job of jobs) nextFire(job.expression, new Date()); // validate up front
  }

  start(): void {
    for (const job of this.jobs) this.arm(job);
  }

  /** Runs every job now (e.g. a sweep on start-up); resolves when they finish. */
  async fireAll(): Promise<void> {
    await Promise.all(this.jobs.map((job) => this.fire(job)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  private arm(job: ScheduledJob): void {
    if (this.stopped) return;
    const wait = this.everyMs ?? Math.max(0, nextFire(job.expression, new Date()).getTime() - Date.now());
    const timer = setTimeout(() => {
      this.fire(job).finally(() => this.arm(job));
    }, wait);
    timer.unref();
    this.timers.set(job.name, timer);
  }

  private fire(job: ScheduledJob): Promise<void> {
    const current = this.running.get(job.name);
    if (current) return current;
    const run = job.run().finally(() => this.running.delete(job.name));
    this.running.set(job.name, run);
    return run;
  }
}

/**
 * Argo's CronWorkflow rules (workflow/cron and workflow/common in Argo's source), pure: when a schedule fires,
 * and the Workflow one firing submits. Schedules use robfig/cron's standard syntax, as Argo does: five fields
 * (no seconds), the descriptors `@yearly` … `@hourly`, `@every <duration>`, and a `CRON_TZ=`/`TZ=` prefix;
 * the CronWorkflow's `timezone` applies to schedules without a prefix. Parsing is cron-parser's.
 */
import { CronExpressionParser } from "cron-parser";
import { parseGoDuration } from "./duration";
import { ANNOTATION_SCHEDULED_TIME, LABEL_CRON_WORKFLOW } from "./labels";
import type { CronWorkflow, Workflow } from "./types.generated";

export class CronScheduleError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CronScheduleError";
  }
}

/** One parsed schedule: its next firing strictly after a time, and its latest at or before one. */
export interface CronSchedule {
  readonly expression: string;
  next(after: Date): Date;
  /** The latest firing in (after, upTo], if any. */
  latestBetween(after: Date, upTo: Date): Date | undefined;
}

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/** Throws CronScheduleError naming the problem when `timezone` is not an IANA zone. */
export function checkTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat("en", { timeZone: timezone });
  } catch (cause) {
    throw new CronScheduleError(`timezone ${JSON.stringify(timezone)} is not a known time zone`, { cause });
  }
}

/** Parses one of a CronWorkflow's schedules; `timezone` is the CronWorkflow's (UTC when absent). */
export function parseCronSchedule(expression: string, timezone?: string): CronSchedule {
  let text = expression.trim();
  let zone = timezone || "UTC";
  const prefix = /^(?:CRON_TZ|TZ)=(\S+)\s+/.exec(text);
  if (prefix) {
    zone = prefix[1];
    text = text.slice(prefix[0].length);
  }
  checkTimezone(zone);
  if (text.startsWith("@every ")) {
    const ms = parseGoDuration(text.slice("@every ".length).trim());
    if (ms === undefined)
      throw new CronScheduleError(`${expression}: @every needs a duration such as 5m or 1h30m`);
    // robfig/cron: at least one second, truncated to whole seconds, counted from the previous firing.
    const period = Math.max(1000, Math.floor(ms / 1000) * 1000);
    return {
      expression,
      next: (after) => new Date(Math.floor(after.getTime() / 1000) * 1000 + period),
      latestBetween: (after, upTo) => {
        const base = Math.floor(after.getTime() / 1000) * 1000;
        const n = Math.floor((upTo.getTime() - base) / period);
        return n >= 1 ? new Date(base + n * period) : undefined;
      },
    };
  }
  const standard = DESCRIPTORS[text] ?? text;
  if (standard.startsWith("@")) throw new CronScheduleError(`${expression}: unknown descriptor ${standard}`);
  const fields = standard.split(/\s+/);
  if (fields.length !== 5) {
    throw new CronScheduleError(
      `${expression}: expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`,
    );
  }
  const at = (currentDate: Date) => {
    try {
      return CronExpressionParser.parse(standard, { currentDate, tz: zone, strict: false });
    } catch (cause) {
      throw new CronScheduleError(`${expression}: ${(cause as Error).message}`, { cause });
    }
  };
  at(new Date()); // validate now, not at the first firing
  return {
    expression,
    next: (after) => at(after).next().toDate(),
    latestBetween: (after, upTo) => {
      // prev() is strictly before its start: start a millisecond later so that `upTo` itself counts.
      const latest = at(new Date(upTo.getTime() + 1))
        .prev()
        .toDate();
      return latest.getTime() > after.getTime() ? latest : undefined;
    },
  };
}

/** Every schedule of a CronWorkflow, parsed (throws CronScheduleError on the first bad one). */
export function cronSchedules(cron: CronWorkflow): CronSchedule[] {
  const spec = cron.spec;
  const legacy = (spec as { schedule?: string }).schedule;
  const expressions = [...(spec.schedules ?? []), ...(legacy ? [legacy] : [])];
  if (expressions.length === 0) throw new CronScheduleError("the CronWorkflow has no schedules");
  return expressions.map((e) => parseCronSchedule(e, spec.timezone));
}

/** Go's RFC 3339 without fractions, as Argo formats the scheduled time. */
function rfc3339Seconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * The Workflow a CronWorkflow submits for the firing at `scheduledTime` (Argo's
 * ConvertCronWorkflowToWorkflowWithProperties): its workflowSpec, its workflowMetadata's labels and
 * annotations, the cron-workflow label and the scheduled-time annotation. The name is the engine's to give.
 */
export function workflowFromCron(cron: CronWorkflow, scheduledTime: Date): Workflow {
  const meta = cron.spec.workflowMetadata ?? {};
  const name = cron.metadata.name ?? "cron";
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: {
      generateName: `${name}-`,
      ...(cron.metadata.namespace ? { namespace: cron.metadata.namespace } : {}),
      labels: { ...(meta.labels ?? {}), [LABEL_CRON_WORKFLOW]: name },
      annotations: {
        ...(meta.annotations ?? {}),
        [ANNOTATION_SCHEDULED_TIME]: rfc3339Seconds(scheduledTime),
      },
    },
    spec: structuredClone(cron.spec.workflowSpec),
  };
}

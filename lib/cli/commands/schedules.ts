import type { Command } from "commander";
import { table } from "../../client/format";
import type { ScheduleView } from "../../ports/schedule-store";
import { cliClient } from "../context-option";
import { EXIT_OK, UsageError } from "../exit";
import { OUTPUT_OPTION, outputFormat, print, withApiErrors } from "../output";

const ACTIONS = ["suspend", "resume", "trigger"] as const;

/** `skiff schedules` and `skiff schedule suspend|resume|trigger <name>`: CronWorkflow pipelines' schedules. */
export function registerSchedulesCommands(program: Command): void {
  program
    .command("schedules [name]")
    .description("list the schedules of cronWorkflow pipelines with their next firings, or show one")
    .option(...OUTPUT_OPTION)
    .action(async (name: string | undefined, options: { output?: string }) => {
      const format = outputFormat(options.output);
      process.exitCode = await withApiErrors(async () => {
        const skiff = await cliClient();
        if (name !== undefined) {
          const schedule = await skiff.schedules.get(name);
          print(format, schedule, () => formatSchedule(schedule));
          return EXIT_OK;
        }
        const items = await skiff.schedules.list();
        print(format, { items }, () =>
          items.length
            ? formatScheduleTable(items)
            : "no schedules: push a pipeline that exports a cronWorkflow",
        );
        return EXIT_OK;
      });
    });

  program
    .command("schedule <action> <name>")
    .description(
      "suspend or resume a schedule, or trigger one run of it now (action: suspend, resume, trigger)",
    )
    .option(...OUTPUT_OPTION)
    .action(async (action: string, name: string, options: { output?: string }) => {
      const format = outputFormat(options.output);
      if (!(ACTIONS as readonly string[]).includes(action)) {
        throw new UsageError(`unknown action "${action}": expected one of ${ACTIONS.join(", ")}`);
      }
      process.exitCode = await withApiErrors(async () => {
        const skiff = await cliClient();
        if (action === "trigger") {
          const run = await skiff.schedules.trigger(name);
          print(format, { runId: run.id }, () => `started run ${run.id} of ${name}`);
          return EXIT_OK;
        }
        const schedule =
          action === "suspend" ? await skiff.schedules.suspend(name) : await skiff.schedules.resume(name);
        print(format, schedule, () => formatSchedule(schedule));
        return EXIT_OK;
      });
    });
}

function state(s: ScheduleView): string {
  if (s.stopped) return "stopped";
  return s.suspended ? "suspended" : "active";
}

function formatScheduleTable(items: ScheduleView[]): string {
  return table([
    ["PIPELINE", "VERSION", "SCHEDULES", "TIMEZONE", "STATE", "NEXT", "LAST"],
    ...items.map((s) => [
      s.pipeline,
      s.version,
      s.schedules.join(", "),
      s.timezone ?? "UTC",
      state(s),
      nextOf(s),
      s.lastScheduledTime ?? "-",
    ]),
  ]);
}

const nextOf = (s: ScheduleView) => (s.nextFireTimes?.length ? [...s.nextFireTimes].sort()[0] : "-");

function formatSchedule(s: ScheduleView): string {
  return [
    `Schedule:     ${s.pipeline} (${s.version})`,
    `Schedules:    ${s.schedules.join(", ")}${s.timezone ? ` in ${s.timezone}` : " (UTC)"}`,
    `State:        ${state(s)}`,
    `Concurrency:  ${s.concurrencyPolicy}`,
    ...(s.startingDeadlineSeconds !== undefined ? [`Deadline:     ${s.startingDeadlineSeconds}s`] : []),
    ...(s.when ? [`When:         ${s.when}`] : []),
    ...(s.stopExpression ? [`Stop when:    ${s.stopExpression}`] : []),
    `Next:         ${nextOf(s)}`,
    `Last:         ${s.lastScheduledTime ?? "-"}`,
    `Runs:         ${s.succeeded} succeeded, ${s.failed} failed`,
    ...(s.successfulJobsHistoryLimit !== undefined || s.failedJobsHistoryLimit !== undefined
      ? [
          // Argo's limits are kept for the record only: Skiff keeps every run (docs/schedules.md).
          `History:      ${s.successfulJobsHistoryLimit ?? "-"} succeeded, ${s.failedJobsHistoryLimit ?? "-"} failed (not applied: every run is kept)`,
        ]
      : []),
    ...(s.lastError ? [`Last error:   ${s.lastError.message} (${s.lastError.at})`] : []),
  ].join("\n");
}

import type { Command } from "commander";
import { TimeoutError } from "../../client/errors";
import { formatRun, formatRunTable, formatStepTable } from "../../client/format";
import { cliClient } from "../context-option";
import {
  collect,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_TIMEOUT,
  parseDuration,
  parseKeyValues,
  UsageError,
} from "../exit";
import { OUTPUT_OPTION, outputFormat, print, withApiErrors } from "../output";

interface Outputting {
  output?: string;
}

/** The commands on runs that exist: get, list, logs, wait, stop/terminate/retry/resubmit, resume, and steps. */
export function registerRunsCommands(program: Command): void {
  program
    .command("get <runId>")
    .description("show a run with its steps")
    .option(...OUTPUT_OPTION)
    .action(async (runId: string, options: Outputting) => {
      const format = outputFormat(options.output);
      process.exitCode = await withApiErrors(async () => {
        const run = await (await cliClient()).runs.get(runId).describe();
        print(format, run, () => formatRun(run));
        return EXIT_OK;
      });
    });

  program
    .command("list")
    .description("list runs, newest first")
    .option("--pipeline <name>", "only runs of this pipeline")
    .option("--status <status>", "only runs with this status")
    .option("--param <k=v>", "only runs whose parameter k had value v", collect, [])
    .option("--limit <n>", "at most n runs")
    .option("--cursor <cursor>", "continue a previous listing")
    .option(...OUTPUT_OPTION)
    .action(
      async (
        options: Outputting & {
          pipeline?: string;
          status?: string;
          param: string[];
          limit?: string;
          cursor?: string;
        },
      ) => {
        const format = outputFormat(options.output);
        const params = parseKeyValues(options.param, "--param");
        if (Object.keys(params).length > 1)
          throw new UsageError("--param filters on one parameter at a time");
        process.exitCode = await withApiErrors(async () => {
          const query: Record<string, string> = {};
          if (options.pipeline) query.pipeline = options.pipeline;
          if (options.status) query.status = options.status;
          if (options.limit) query.limit = options.limit;
          if (options.cursor) query.cursor = options.cursor;
          for (const [k, v] of Object.entries(params)) query[`param.${k}`] = v;
          // One page, as asked: the cursor lets the next command continue.
          const page = await (await cliClient()).api.listRuns(query);
          print(
            format,
            page,
            () => formatRunTable(page.items) + (page.cursor ? `\n(more: --cursor ${page.cursor})` : ""),
          );
          return EXIT_OK;
        });
      },
    );

  program
    .command("logs <runId> [step]")
    .description("print a run's step logs (all pod steps, or one step by id or name)")
    .option("-f, --follow", "keep printing until the run finishes")
    .option("--timeout <duration>", "with --follow: give up after this long (e.g. 90s, 10m)")
    .option("-o, --output <format>", "output format: text or json (one line object per line)", "text")
    .action(
      async (
        runId: string,
        step: string | undefined,
        options: Outputting & { follow?: boolean; timeout?: string },
      ) => {
        const format = outputFormat(options.output);
        const timeoutMs = options.timeout ? parseDuration(options.timeout, "--timeout") : undefined;
        process.exitCode = await withApiErrors(async () => {
          const lines = (await cliClient()).runs.get(runId).logs(step, { follow: options.follow, timeoutMs });
          for await (const line of lines) {
            process.stdout.write(
              format === "json"
                ? `${JSON.stringify({ stepId: line.stepId, time: line.time, stream: line.stream, text: line.text })}\n`
                : `${step === undefined ? `${line.step}: ` : ""}${line.text}\n`,
            );
          }
          return EXIT_OK;
        });
      },
    );

  program
    .command("wait <runId>")
    .description(
      "wait for a run to finish: exit 0 when it Succeeded, 1 when it ended otherwise, 3 on --timeout",
    )
    .option("--timeout <duration>", "give up after this long (e.g. 90s, 10m, 1h; a number is seconds)")
    .option(...OUTPUT_OPTION)
    .action(async (runId: string, options: Outputting & { timeout?: string }) => {
      const format = outputFormat(options.output);
      const timeoutMs = options.timeout ? parseDuration(options.timeout, "--timeout") : undefined;
      process.exitCode = await withApiErrors(async () => {
        try {
          const run = await (await cliClient()).runs.get(runId).wait({ timeoutMs });
          print(format, run, () => formatRun(run));
          return run.status === "Succeeded" ? EXIT_OK : EXIT_FAILED;
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
          process.stderr.write(`skiff: ${error.message}\n`);
          return EXIT_TIMEOUT;
        }
      });
    });

  for (const action of ["stop", "terminate", "retry", "resubmit"] as const) {
    program
      .command(`${action} <runId>`)
      .description(
        {
          stop: "stop a run (running steps stop, exit handlers still run)",
          terminate: "terminate a run (everything stops, exit handlers are skipped)",
          retry: "retry a failed run's failed steps (same run id)",
          resubmit: "run again with the same parameters (a new run)",
        }[action],
      )
      .option(...OUTPUT_OPTION)
      .action(async (runId: string, options: Outputting) => {
        const format = outputFormat(options.output);
        process.exitCode = await withApiErrors(async () => {
          const handle = (await cliClient()).runs.get(runId);
          let after = handle;
          if (action === "retry") after = await handle.retry();
          else if (action === "resubmit") after = await handle.resubmit();
          else await handle[action]();
          const run = await after.describe();
          print(format, run, () => `${action}: ${run.runId} ${run.status}`);
          return EXIT_OK;
        });
      });
  }

  program
    .command("resume <runId>")
    .description(
      "resume a run's suspended steps (argo resume), setting suspend outputs first (argo node set -p)",
    )
    .option("--node <name>", "only this suspended step (its id, name or display name)")
    .option(
      "-p, --param <name=value>",
      "an output parameter of the suspend template (repeatable)",
      collect,
      [],
    )
    .option(...OUTPUT_OPTION)
    .action(async (runId: string, options: Outputting & { node?: string; param: string[] }) => {
      const format = outputFormat(options.output);
      const parameters = parseKeyValues(options.param, "-p/--param");
      process.exitCode = await withApiErrors(async () => {
        const resumed = await (await cliClient()).runs.get(runId).resume({
          ...(options.node ? { node: options.node } : {}),
          ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
        });
        print(
          format,
          { runId, resumed },
          () => `resumed ${runId}${resumed.length ? `: ${resumed.join(", ")}` : " (the workflow)"}`,
        );
        return EXIT_OK;
      });
    });

  program
    .command("steps")
    .description("recorded steps of finished runs that ran a template, newest first")
    .requiredOption("--template <name>", "the template the steps ran")
    .option("--status <phase>", "only steps in this phase (Succeeded, Failed, Error, …)")
    .option("--limit <n>", "at most n steps")
    .option("--cursor <cursor>", "continue a previous listing")
    .option(...OUTPUT_OPTION)
    .action(
      async (
        options: Outputting & { template: string; status?: string; limit?: string; cursor?: string },
      ) => {
        const format = outputFormat(options.output);
        process.exitCode = await withApiErrors(async () => {
          const page = await (await cliClient()).api.querySteps({
            template: options.template,
            ...(options.status ? { status: options.status } : {}),
            ...(options.limit ? { limit: options.limit } : {}),
            ...(options.cursor ? { cursor: options.cursor } : {}),
          });
          print(
            format,
            page,
            () => formatStepTable(page.items) + (page.cursor ? `\n(more: --cursor ${page.cursor})` : ""),
          );
          return EXIT_OK;
        });
      },
    );
}

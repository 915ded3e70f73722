import type { Command } from "commander";
import { ApiClient, ApiClientError } from "../../client/client";
import { resolveEndpoints } from "../../client/endpoints";
import { formatDiagnostic, formatError, formatRun, formatRunTable } from "../../client/format";
import { isTerminalStatus } from "../../client/wait";
import { collect, EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseKeyValues, UsageError } from "../exit";

export type OutputFormat = "text" | "json";

export function outputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === "text") return "text";
  if (value === "json") return "json";
  throw new UsageError(`-o/--output expects text or json, got "${value}"`);
}

/** Runs an API-backed command; API errors print `{message, details}` and exit 2 for 400s, 1 otherwise. */
export async function withApiErrors(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof ApiClientError) {
      process.stderr.write(`skiff: ${formatError(error.body)}\n`);
      return error.status === 400 ? EXIT_USAGE : EXIT_FAILED;
    }
    throw error;
  }
}

const print = (format: OutputFormat, value: unknown, text: () => string) =>
  process.stdout.write(format === "json" ? `${JSON.stringify(value)}\n` : `${text()}\n`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Outputting {
  output?: string;
}

/** The commands that talk to a running Skiff: the local stack by default, `SKIFF_API_URL` otherwise. */
export function registerRemoteCommands(program: Command): void {
  const client = () => new ApiClient(resolveEndpoints());

  program
    .command("push <pipeline.ts>")
    .description("upload a pipeline (and the files it imports) and wait for its build")
    .option("--name <name>", "pipeline name (default: the file name, or the directory of a pipeline.ts)")
    .option("--no-wait", "return after the upload")
    .option("-o, --output <format>", "output format: text or json", "text")
    .action(async (file: string, options: Outputting & { name?: string; wait: boolean }) => {
      const format = outputFormat(options.output);
      const { planPush, PipelineBucket, latestVersionNumber, waitForBuild, PushError } = await import(
        "../../client/push"
      );
      process.exitCode = await withApiErrors(async () => {
        const endpoints = resolveEndpoints();
        let bucket: Awaited<ReturnType<typeof PipelineBucket.open>> | undefined;
        try {
          const plan = await planPush(file, options.name);
          bucket = await PipelineBucket.open(endpoints);
          const api = new ApiClient(endpoints);
          // Taken before the upload: versions recorded after it are this push's or other pushes'.
          const after = options.wait ? await latestVersionNumber(api, plan.pipeline) : 0;
          const upload = await bucket.upload(plan);
          if (!options.wait) {
            print(
              format,
              { pipeline: plan.pipeline, contentHash: plan.contentHash, upload },
              () => `uploaded ${plan.pipeline}`,
            );
            return EXIT_OK;
          }
          const version = await waitForBuild(
            api,
            bucket,
            plan,
            { contentHash: plan.contentHash, upload, after },
            { note: (message) => process.stderr.write(`skiff: ${message}\n`) },
          );
          print(format, version, () => {
            if (!version.ok) {
              return [
                `${plan.pipeline}: build failed (${version.version})`,
                ...version.diagnostics.map(formatDiagnostic),
              ].join("\n");
            }
            const params = version.parameters.map((p) => p.name).join(", ") || "none";
            return [
              `${plan.pipeline} ${version.version}: built (${version.templateCount} templates; parameters: ${params})`,
              ...version.diagnostics.map(formatDiagnostic),
            ].join("\n");
          });
          return version.ok ? EXIT_OK : EXIT_FAILED;
        } catch (error) {
          if (error instanceof PushError) throw new UsageError(error.message);
          throw error;
        } finally {
          bucket?.close();
        }
      });
    });

  program
    .command("get <runId>")
    .description("show a run with its steps")
    .option("-o, --output <format>", "output format: text or json", "text")
    .action(async (runId: string, options: Outputting) => {
      const format = outputFormat(options.output);
      process.exitCode = await withApiErrors(async () => {
        const run = await client().getRun(runId);
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
    .option("-o, --output <format>", "output format: text or json", "text")
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
          const page = await client().listRuns(query);
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
    .option("-o, --output <format>", "output format: text or json (one line object per line)", "text")
    .action(async (runId: string, step: string | undefined, options: Outputting & { follow?: boolean }) => {
      const format = outputFormat(options.output);
      process.exitCode = await withApiErrors(async () => {
        const api = client();
        const printed = new Map<string, number>();
        for (;;) {
          const run = await api.getRun(runId);
          const steps = run.steps.filter((s) =>
            step === undefined
              ? s.type === "Pod"
              : s.stepId === step || s.name === step || s.displayName === step,
          );
          if (step !== undefined && steps.length === 0 && !options.follow) {
            throw new UsageError(`run ${runId} has no step "${step}"`);
          }
          for (const s of steps) {
            if (s.phase === "Pending" || s.phase === "Skipped" || s.phase === "Omitted") continue;
            const logs = await api.stepLogs(runId, s.stepId).catch((error: unknown) => {
              if (error instanceof ApiClientError && error.status === 404) return undefined;
              throw error;
            });
            const lines = logs?.lines ?? [];
            const from = printed.get(s.stepId) ?? 0;
            for (const line of lines.slice(from)) {
              const label = step === undefined ? `${s.displayName || s.name}: ` : "";
              process.stdout.write(
                format === "json"
                  ? `${JSON.stringify({ stepId: s.stepId, ...line })}\n`
                  : `${label}${line.text}\n`,
              );
            }
            printed.set(s.stepId, Math.max(from, lines.length));
          }
          if (!options.follow || isTerminalStatus(run.status)) return EXIT_OK;
          await sleep(500);
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
      .option("-o, --output <format>", "output format: text or json", "text")
      .action(async (runId: string, options: Outputting) => {
        const format = outputFormat(options.output);
        process.exitCode = await withApiErrors(async () => {
          const api = client();
          const result = await api.action(runId, action);
          const run = await api.getRun(result.runId);
          print(format, run, () => `${action}: ${run.runId} ${run.status}`);
          return EXIT_OK;
        });
      });
  }
}

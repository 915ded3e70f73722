import type { Command } from "commander";
import { collect, UsageError } from "../exit";

export interface RunCommandOptions {
  param: string[];
  local?: boolean;
  wait?: boolean;
  watch?: boolean;
  output?: string;
  version?: string;
  profile?: string;
  override?: string[];
  overrideFile?: string;
  idempotencyKey?: string;
  timeout?: string;
  /** `--no-daemon`: with --local, build a pipeline.ts in this process. */
  daemon?: boolean;
}

/** `skiff run`: on the local engine directly (`--local`), or through the run endpoint. */
export function registerRunCommand(program: Command): void {
  program
    .command("run <target>")
    .description(
      "run a pipeline: --local runs pipeline.ts/spec.yaml on the local engine; otherwise <target> is a pushed pipeline name",
    )
    .option("-p, --param <k=v>", "workflow parameter (repeatable)", collect, [])
    .option("--local", "run on the local engine in this process, no other infrastructure")
    .option("--wait", "wait for the run to finish; exit 0 only when it Succeeded")
    .option("--watch", "draw the live step tree until the run finishes")
    .option("-o, --output <format>", "output format: text or json", "text")
    .option("--version <v>", "pipeline version (default: latest good)")
    .option("--profile <name>", "named override profile")
    .option(
      "--override <path=value>",
      "run-time override, e.g. nodeSelector.disk=ssd, env.LOG_LEVEL=debug (repeatable)",
      collect,
      [],
    )
    .option("--override-file <file>", "run-time overrides as YAML or JSON (the API's overrides object)")
    .option("--idempotency-key <key>", "the same key answers with the same run instead of starting another")
    .option("--timeout <duration>", "with --wait/--watch: give up after this long (exit 3)")
    .option("--no-daemon", "with --local: build a pipeline.ts in this process, without the build daemon")
    .action(async (target: string, options: RunCommandOptions) => {
      if (options.local && (options.override?.length || options.overrideFile)) {
        throw new UsageError("--override and --override-file apply to runs through the API, not --local");
      }
      // Loaded on use: the local engine and the API client are the heavy part of the CLI's start-up.
      process.exitCode = options.local
        ? await (await import("./run-local")).runLocal(target, options)
        : await (await import("./run-remote")).runRemote(target, options);
    });
}

import type { Command } from "commander";
import { collect } from "../exit";

export interface RunCommandOptions {
  param: string[];
  local?: boolean;
  wait?: boolean;
  watch?: boolean;
  output?: string;
  version?: string;
  profile?: string;
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
    .action(async (target: string, options: RunCommandOptions) => {
      // Loaded on use: the local engine and the API client are the heavy part of the CLI's start-up.
      process.exitCode = options.local
        ? await (await import("./run-local")).runLocal(target, options)
        : await (await import("./run-remote")).runRemote(target, options);
    });
}

import type { Command } from "commander";
import { collect } from "../exit";
import type { StartOptions } from "./start-stack";

/** `skiff start`: the embedded stack in the foreground until Ctrl-C. */
export function registerStartCommand(program: Command): void {
  program
    .command("start")
    .description(
      "run Skiff on this machine: S3, DynamoDB Local, the event bus, the local engine and the HTTP API",
    )
    .option("--port <base>", "first of four consecutive ports (HTTP API, S3, bus, DynamoDB)", "7700")
    .option("--state-dir <dir>", "where objects, tables and step work directories are kept (default: .skiff)")
    .option("--stage <stage>", "serverless.yml stage to resolve", "local")
    .option(
      "--webhook <url>",
      "POST every bus event to this URL (repeatable; SKIFF_WEBHOOKS adds filtered ones)",
      collect,
      [],
    )
    .option("--no-examples", "do not upload examples/*/pipeline.ts at start")
    .option("--verbose", "keep the handlers' INFO logs")
    .action(async (options: StartOptions) => {
      await (await import("./start-stack")).runStart(options);
    });
}

import type { Command } from "commander";
import { collect, parseKeyValues } from "../exit";

interface Flags {
  output?: string;
  param: string[];
  typecheck: boolean;
  format: string;
  daemon: boolean;
}

const DAEMON_HELP =
  "build in this process, without the build daemon (which later builds are otherwise handed to)";

/** `skiff build` and `skiff lint`. The compiler loads only when one of them runs. */
export function registerBuildCommands(program: Command): void {
  program
    .command("build <pipeline>")
    .description("compile a pipeline.ts (and the files it imports) to an Argo spec; exit 1 on any error")
    .option("-o, --output <file>", "write the spec here (.json for JSON, else YAML); default: YAML on stdout")
    .option(
      "-p, --param <k=v>",
      "build parameter passed to a default-exported function (repeatable)",
      collect,
      [],
    )
    .option("--no-typecheck", "skip TypeScript's type check (faster)")
    .option("--format <format>", "report format: text, or json (a machine-readable report on stdout)", "text")
    .option("--no-daemon", DAEMON_HELP)
    .action(async (pipeline: string, flags: Flags) => {
      const { runBuild } = await import("../../compiler/cli");
      process.exitCode = await runBuild(pipeline, {
        output: flags.output,
        params: parseKeyValues(flags.param, "--param"),
        typecheck: flags.typecheck,
        format: flags.format,
        daemon: flags.daemon,
      });
    });
  program
    .command("lint <file>")
    .description("check a pipeline.ts or a hand-written spec (YAML/JSON) against Argo's schema and rules")
    .option("-p, --param <k=v>", "build parameter, for a pipeline (repeatable)", collect, [])
    .option("--no-typecheck", "skip TypeScript's type check of a pipeline")
    .option("--format <format>", "report format: text, or json (on stdout)", "text")
    .option("--no-daemon", DAEMON_HELP)
    .action(async (file: string, flags: Flags) => {
      const { runLint } = await import("../../compiler/cli");
      process.exitCode = await runLint(file, {
        params: parseKeyValues(flags.param, "--param"),
        typecheck: flags.typecheck,
        format: flags.format,
        daemon: flags.daemon,
      });
    });
}

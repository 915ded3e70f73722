// `skiff build` and `skiff lint` alone (bundled to dist/build/cli.js): the compiler's commands without the
// rest of the CLI's modules, for callers that only build (CI steps, the compile benchmark). Same flags,
// output and exit codes as `skiff build` / `skiff lint`.
import { Command, CommanderError } from "commander";
import { registerBuildCommands } from "../cli/commands/build";
import { EXIT_FAILED, EXIT_USAGE, UsageError } from "../cli/exit";

const program = new Command("skiff").showHelpAfterError().exitOverride();
registerBuildCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
  if (error instanceof UsageError) {
    process.stderr.write(`skiff: ${error.message}\n`);
    process.exit(EXIT_USAGE);
  }
  process.stderr.write(`skiff: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT_FAILED);
}

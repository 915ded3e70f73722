// The `skiff` program: every command, each loading what it needs when it runs.
import { Command, CommanderError } from "commander";
import { ContextError } from "../client/errors";
import { registerBuildCommands } from "./commands/build";
import { registerDashboardCommand } from "./commands/dashboard";
import { registerEksTokenCommand } from "./commands/eks-token";
import { registerEventsCommand } from "./commands/events";
import { registerImportCommand } from "./commands/import";
import { registerInitCommand } from "./commands/init";
import { registerRemoteCommands } from "./commands/remote";
import { registerRunCommand } from "./commands/run";
import { registerStartCommand } from "./commands/start";
import { registerContextOption } from "./context-option";
import { EXIT_FAILED, EXIT_USAGE, UsageError } from "./exit";

const program = new Command("skiff")
  .description("Pipelines written in TypeScript, run on Argo Workflows")
  .version("0.1.0")
  .showHelpAfterError()
  .exitOverride();

registerContextOption(program);
registerBuildCommands(program);
registerImportCommand(program);
registerRunCommand(program);
registerRemoteCommands(program);
registerEventsCommand(program);
registerStartCommand(program);
registerEksTokenCommand(program);
registerInitCommand(program);
registerDashboardCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version are not errors; every other parse failure is a usage error.
    process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
  }
  // A context that does not exist (or no stack to be `local`) is a matter of the command line: exit 2.
  if (error instanceof UsageError || error instanceof ContextError) {
    process.stderr.write(`skiff: ${error.message}\n`);
    process.exit(EXIT_USAGE);
  }
  process.stderr.write(`skiff: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT_FAILED);
}

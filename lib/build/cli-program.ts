// The compiler's own program (`skiff build` and `skiff lint`), which lib/build/cli.main.ts runs once it has
// started the sandbox worker: commander and the commands load after that start, not before it.
import { Command, CommanderError } from "commander";
import { registerBuildCommands } from "../cli/commands/build";
import { EXIT_FAILED, EXIT_USAGE, UsageError } from "../cli/exit";

/** Resolves once everything written to `stream` so far has been handed to the OS. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    stream.write("", () => resolve());
  });
}

/** Parses `argv`, runs the command and exits the process with its code. */
export async function runCompilerProgram(argv: string[]): Promise<never> {
  const program = new Command("skiff").showHelpAfterError().exitOverride();
  registerBuildCommands(program);
  try {
    await program.parseAsync(argv);
    // Exit once stdout and stderr have drained (a pipe may still hold what did not fit its buffer) rather
    // than wait for the idle sandbox worker's and esbuild's pipes to wind down, ~10 ms more.
    await Promise.all([drained(process.stdout), drained(process.stderr)]);
    process.exit();
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
    if (error instanceof UsageError) {
      process.stderr.write(`skiff: ${error.message}\n`);
      process.exit(EXIT_USAGE);
    }
    process.stderr.write(`skiff: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(EXIT_FAILED);
  }
}

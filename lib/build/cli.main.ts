// `skiff build` and `skiff lint` alone (bundled as CommonJS to dist/build/cli.cjs, where bin/skiff.js sends
// these two commands): the compiler's commands without the rest of the CLI's modules. Same flags, output
// and exit codes as the whole program's `build` / `lint`. No top-level await: it runs as CommonJS too.
import { createRequire } from "node:module";
import { EXIT_FAILED, EXIT_USAGE, UsageError } from "../cli/exit";
// Static, not imported on demand: the worker's spawn is the first thing this process does (its start-up
// is the longest step of a build), and the prewarm modules are small.
import { prewarmCompiler } from "./prewarm";

// The sandbox worker (a second Node process) and esbuild's service start first, while this process loads
// commander and the compiler; the command starts them anyway, so a wrong guess costs only idle processes.
const [command, ...rest] = process.argv.slice(2);
const compiles = command === "build" || (command === "lint" && rest.some((arg) => /\.m?ts$/.test(arg)));
if (compiles && !rest.some((arg) => arg === "-h" || arg === "--help")) prewarmCompiler();

/** Resolves once everything written to `stream` so far has been handed to the OS. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    stream.write("", () => resolve());
  });
}

// `require`d: importing it as ESM first runs Node's CommonJS export scanner over it.
const { Command, CommanderError } = createRequire(import.meta.url)("commander") as typeof import("commander");

async function main(): Promise<void> {
  const { registerBuildCommands } = await import("../cli/commands/build");
  const program = new Command("skiff").showHelpAfterError().exitOverride();
  registerBuildCommands(program);

  try {
    await program.parseAsync(process.argv);
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

void main();

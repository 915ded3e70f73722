import type { Command } from "commander";
import type { Endpoints } from "../client/endpoints";
import type { SkiffClient } from "../client/skiff-client";

/** The context the command line picked (`--context`), read once the program's options are parsed. */
let picked: string | undefined;

/** `--context <name>` on every command: which saved context (or `local`) this command talks to. */
export function registerContextOption(program: Command): void {
  program.option(
    "--context <name>",
    "the context to talk to (default: SKIFF_CONTEXT, else SKIFF_API_URL, else the current one, else local)",
  );
  program.hook("preAction", () => {
    picked = program.opts<{ context?: string }>().context;
  });
}

export function pickedContext(): string | undefined {
  return picked;
}

// The client and the contexts file (read with zod) load when a command that talks to Skiff runs, not when
// `skiff` starts: `skiff build` and `skiff run --local` never need them.

/** The client every API-backed command uses (one client for the CLI and for programs). */
export async function cliClient(): Promise<SkiffClient> {
  const { SkiffClient } = await import("../client/skiff-client");
  return new SkiffClient({ context: picked });
}

/** Reads where the picked context reaches Skiff (events need the bus), anew on each call: a restart rewrites it. */
export async function cliEndpoints(): Promise<() => Endpoints> {
  const { resolveContext } = await import("../client/contexts");
  return () => resolveContext({ context: picked }).endpoints;
}

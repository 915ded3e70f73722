import type { Command } from "commander";
import { resolveContext } from "../client/contexts";
import type { Endpoints } from "../client/endpoints";
import { SkiffClient } from "../client/skiff-client";

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

/** The client every API-backed command uses (one client for the CLI and for programs). */
export function cliClient(): SkiffClient {
  return new SkiffClient({ context: picked });
}

/** Where the picked context reaches Skiff (push needs the bucket, events the bus). */
export function cliEndpoints(): Endpoints {
  return resolveContext({ context: picked }).endpoints;
}

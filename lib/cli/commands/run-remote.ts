import { TimeoutError } from "../../client/errors";
import { formatRun } from "../../client/format";
import { cliClient } from "../context-option";
import { EXIT_FAILED, EXIT_OK, EXIT_TIMEOUT, parseDuration, parseKeyValues, UsageError } from "../exit";
import { outputFormat, withApiErrors } from "../output";
import { parseOverrides } from "../overrides";
import type { RunCommandOptions } from "./run";

/** `skiff run <pipeline>` through the run endpoint; with --wait/--watch, exit 0 only when the run Succeeded. */
export async function runRemote(target: string, options: RunCommandOptions): Promise<number> {
  const format = outputFormat(options.output);
  if (target.endsWith(".ts") || target.endsWith(".yaml")) {
    throw new UsageError(
      `"${target}" is a file: push it first (skiff push ${target}) or run it with --local`,
    );
  }
  const parameters = parseKeyValues(options.param, "-p/--param");
  const overrides = parseOverrides(options.override, options.overrideFile);
  const timeoutMs = options.timeout ? parseDuration(options.timeout, "--timeout") : undefined;
  return withApiErrors(async () => {
    const run = await (await cliClient()).pipelines.run(target, {
      parameters,
      ...(Object.keys(overrides).length > 0 ? { overrides } : {}),
      ...(options.version ? { version: options.version } : {}),
      ...(options.profile ? { profile: options.profile } : {}),
      ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    });
    if (!options.wait && !options.watch) {
      const view = await run.describe();
      process.stdout.write(format === "json" ? `${JSON.stringify(view)}\n` : `${run.id}\t${view.status}\n`);
      return EXIT_OK;
    }
    if (format === "text") process.stderr.write(`run ${run.id} (${target} ${run.created?.version ?? ""})\n`);
    const live = options.watch && format === "text";
    const tty = process.stdout.isTTY === true;
    try {
      const final = await run.wait({
        timeoutMs,
        onChange: live
          ? (view) => {
              // Redraw in place on a terminal; one block per change otherwise.
              if (tty) process.stdout.write("\x1b[H\x1b[2J");
              process.stdout.write(`${formatRun(view)}\n${tty ? "" : "\n"}`);
            }
          : undefined,
      });
      if (format === "json") process.stdout.write(`${JSON.stringify(final)}\n`);
      else if (!live) process.stdout.write(`${formatRun(final)}\n`);
      return final.status === "Succeeded" ? EXIT_OK : EXIT_FAILED;
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
      process.stderr.write(`skiff: ${error.message}\n`);
      return EXIT_TIMEOUT;
    }
  });
}

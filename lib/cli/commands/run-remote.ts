import { randomUUID } from "node:crypto";
import { ApiClient } from "../../client/client";
import { resolveEndpoints } from "../../client/endpoints";
import { formatRun } from "../../client/format";
import { waitForRun } from "../../client/wait";
import { EXIT_FAILED, EXIT_OK, parseKeyValues, UsageError } from "../exit";
import { outputFormat, withApiErrors } from "./remote";
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
  return withApiErrors(async () => {
    const client = new ApiClient(resolveEndpoints());
    const created = await client.createRun(
      target,
      {
        parameters,
        ...(options.version ? { version: options.version } : {}),
        ...(options.profile ? { profile: options.profile } : {}),
      },
      randomUUID(),
    );
    if (!options.wait && !options.watch) {
      const run = await client.getRun(created.runId);
      process.stdout.write(
        format === "json" ? `${JSON.stringify(run)}\n` : `${created.runId}\t${run.status}\n`,
      );
      return EXIT_OK;
    }
    if (format === "text") process.stderr.write(`run ${created.runId} (${target} ${created.version})\n`);
    const live = options.watch && format === "text";
    const tty = process.stdout.isTTY === true;
    const final = await waitForRun(client, created.runId, {
      onChange: live
        ? (run) => {
            // Redraw in place on a terminal; one block per change otherwise.
            if (tty) process.stdout.write("\x1b[H\x1b[2J");
            process.stdout.write(`${formatRun(run)}\n${tty ? "" : "\n"}`);
          }
        : undefined,
    });
    if (format === "json") process.stdout.write(`${JSON.stringify(final)}\n`);
    else if (!live) process.stdout.write(`${formatRun(final)}\n`);
    return final.status === "Succeeded" ? EXIT_OK : EXIT_FAILED;
  });
}

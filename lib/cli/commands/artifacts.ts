import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { isGzip, unpackArtifact } from "../../client/archive";
import { table } from "../../client/format";
import { cliClient } from "../context-option";
import { EXIT_OK, UsageError } from "../exit";
import { outputFormat, print, withApiErrors } from "../output";

/**
 * `skiff artifacts <runId> [step] [-o json]` lists a run's artifacts; `skiff artifacts get <runId> <step> <name>
 * [-o path] [--raw]` downloads one. One command rather than a `get` subcommand: `-o` names the output format
 * when listing and the file when downloading, and a subcommand could not take `-o` of its own.
 */
export function registerArtifactsCommands(program: Command): void {
  program
    .command("artifacts")
    .description(
      "list a run's artifacts (artifacts <runId> [step]), or download one (artifacts get <runId> <step> <name> [-o path])",
    )
    .argument("<runId|get>")
    .argument("[args...]")
    .option(
      "-o, --output <value>",
      "listing: text or json; get: where to write (default: the artifact's name)",
    )
    .option("--raw", "get: write the stored bytes as they are (Argo's .tgz archive), not unpacked")
    .action(async (first: string, rest: string[], options: { output?: string; raw?: boolean }) => {
      if (first === "get") {
        const [runId, step, name, ...extra] = rest;
        if (!runId || !step || !name || extra.length) {
          throw new UsageError("usage: skiff artifacts get <runId> <step> <name> [-o path] [--raw]");
        }
        process.exitCode = await withApiErrors(() => download(runId, step, name, options));
        return;
      }
      if (rest.length > 1) throw new UsageError("usage: skiff artifacts <runId> [step] [-o text|json]");
      if (options.raw) throw new UsageError("--raw is for skiff artifacts get");
      const format = outputFormat(options.output);
      process.exitCode = await withApiErrors(() => list(first, rest[0], format));
    });
}

async function list(runId: string, step: string | undefined, format: "text" | "json"): Promise<number> {
  const steps = await (await cliClient()).runs.get(runId).artifacts(step);
  const rows = steps.flatMap((s) =>
    s.artifacts.map((a) => ({
      stepId: s.stepId,
      step: s.displayName,
      direction: a.direction,
      name: a.name,
      ...(a.key ? { key: a.key } : {}),
      ...(a.size !== undefined ? { size: a.size } : {}),
    })),
  );
  print(format, { runId, artifacts: rows }, () =>
    rows.length
      ? table([
          ["STEP", "STEP ID", "IN/OUT", "NAME", "SIZE", "KEY"],
          ...rows.map((r) => [
            r.step,
            r.stepId,
            r.direction,
            r.name,
            r.size === undefined ? "" : String(r.size),
            r.key ?? "(not in S3)",
          ]),
        ])
      : `run ${runId} has no artifacts${step ? ` on step ${step}` : ""}`,
  );
  return EXIT_OK;
}

async function download(
  runId: string,
  step: string,
  name: string,
  options: { output?: string; raw?: boolean },
): Promise<number> {
  const bytes = await (await cliClient()).runs.get(runId).downloadArtifact(step, name);
  if (options.raw || !isGzip(bytes)) {
    const path = options.output ?? (isGzip(bytes) ? `${name}.tgz` : name);
    await writeFile(path, bytes);
    process.stderr.write(`wrote ${path} (${bytes.length} bytes)\n`);
    return EXIT_OK;
  }
  const written = await unpackArtifact(bytes, options.output);
  const shown = written.slice(0, 5).join(", ") + (written.length > 5 ? ", …" : "");
  process.stderr.write(`unpacked ${written.length} file(s): ${shown}\n`);
  return EXIT_OK;
}

import type { Command } from "commander";
import type { PipelineView } from "../../client/client";
import { formatDiagnostic, formatPipelineTable, table } from "../../client/format";
import { cliClient } from "../context-option";
import { EXIT_OK } from "../exit";
import { OUTPUT_OPTION, outputFormat, print, withApiErrors } from "../output";

/** `skiff pipelines [name]` and `skiff spec <name> [version]`: what has been pushed, and what it compiled to. */
export function registerPipelinesCommands(program: Command): void {
  program
    .command("pipelines [name]")
    .description("list the pipelines, or one pipeline's versions (newest first) and its last build")
    .option("--limit <n>", "with a name: at most n versions", "20")
    .option("--cursor <cursor>", "with a name: continue a previous listing of versions")
    .option(...OUTPUT_OPTION)
    .action(
      async (name: string | undefined, options: { output?: string; limit: string; cursor?: string }) => {
        const format = outputFormat(options.output);
        process.exitCode = await withApiErrors(async () => {
          const skiff = await cliClient();
          if (name === undefined) {
            const items = await skiff.pipelines.list().toArray();
            print(format, { items }, () =>
              items.length ? formatPipelineTable(items) : "no pipelines yet: skiff push <pipeline.ts>",
            );
            return EXIT_OK;
          }
          const pipeline = await skiff.pipelines.get(name, {
            limit: Number(options.limit) || 20,
            ...(options.cursor ? { cursor: options.cursor } : {}),
          });
          print(format, pipeline, () => formatPipeline(pipeline));
          return EXIT_OK;
        });
      },
    );

  program
    .command("spec <name> [version]")
    .description("print a version's compiled spec as YAML (default: the latest good version)")
    .option(...OUTPUT_OPTION)
    .action(async (name: string, version: string | undefined, options: { output?: string }) => {
      const format = outputFormat(options.output);
      process.exitCode = await withApiErrors(async () => {
        const spec = await (await cliClient()).pipelines.spec(name, version ?? "latest");
        if (format === "json") {
          const { readSpec } = await import("../../compiler/spec-file");
          process.stdout.write(`${JSON.stringify(readSpec(spec))}\n`);
        } else {
          process.stdout.write(spec.endsWith("\n") ? spec : `${spec}\n`);
        }
        return EXIT_OK;
      });
    });
}

function formatPipeline(p: PipelineView): string {
  const lines = [
    `Pipeline:     ${p.name}`,
    `Latest:       ${p.latestVersion ?? "-"}`,
    `Latest good:  ${p.latestGoodVersion ?? "-"}`,
  ];
  if (p.lastBuild && !p.lastBuild.ok) {
    lines.push(
      `Last build:   ${p.lastBuild.version} failed`,
      ...p.lastBuild.diagnostics.map((d) => `  ${formatDiagnostic(d)}`),
    );
  }
  if (p.versions.length > 0) {
    lines.push(
      "",
      table([
        ["VERSION", "BUILD", "PARAMETERS", "TEMPLATES", "CREATED"],
        ...p.versions.map((v) => [
          v.version,
          v.ok ? "ok" : "failed",
          v.parameters.map((x) => x.name).join(",") || "-",
          String(v.templateCount),
          v.createdAt,
        ]),
      ]),
    );
  }
  if (p.cursor) lines.push(`(more: --cursor ${p.cursor})`);
  return lines.join("\n");
}

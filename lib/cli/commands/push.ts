import type { Command } from "commander";
import { formatDiagnostic } from "../../client/format";
import { cliClient } from "../context-option";
import { collect, EXIT_FAILED, EXIT_OK, parseKeyValues, UsageError } from "../exit";
import { OUTPUT_OPTION, outputFormat, print, withApiErrors } from "../output";

/** `skiff push`: upload a pipeline to the context's bucket and wait for the build of this very upload. */
export function registerPushCommand(program: Command): void {
  program
    .command("push <pipeline.ts>")
    .description("upload a pipeline (and the files it imports) and wait for its build")
    .option("--name <name>", "pipeline name (default: the file name, or the directory of a pipeline.ts)")
    .option("--no-wait", "return after the upload")
    .option(
      "-p, --param <k=v>",
      "build parameter for the pipeline's function, recorded on its version (repeatable)",
      collect,
      [],
    )
    .option(...OUTPUT_OPTION)
    .action(
      async (file: string, options: { output?: string; name?: string; wait: boolean; param: string[] }) => {
        const buildParameters = parseKeyValues(options.param, "--param");
        const format = outputFormat(options.output);
        const { planPush, PipelineBucket, latestVersionNumber, waitForBuild, PushError } = await import(
          "../../client/push"
        );
        process.exitCode = await withApiErrors(async () => {
          const { api } = await cliClient();
          let bucket: Awaited<ReturnType<typeof PipelineBucket.open>> | undefined;
          try {
            const plan = await planPush(file, options.name, buildParameters);
            bucket = await PipelineBucket.open(api.endpoints);
            // Taken before the upload: versions recorded after it are this push's or other pushes'.
            const after = options.wait ? await latestVersionNumber(api, plan.pipeline) : 0;
            const upload = await bucket.upload(plan);
            if (!options.wait) {
              print(
                format,
                { pipeline: plan.pipeline, contentHash: plan.contentHash, upload },
                () => `uploaded ${plan.pipeline}`,
              );
              return EXIT_OK;
            }
            const version = await waitForBuild(
              api,
              bucket,
              plan,
              { contentHash: plan.contentHash, upload, after },
              { note: (message) => process.stderr.write(`skiff: ${message}\n`) },
            );
            print(format, version, () => {
              if (!version.ok) {
                return [
                  `${plan.pipeline}: build failed (${version.version})`,
                  ...version.diagnostics.map(formatDiagnostic),
                ].join("\n");
              }
              const params = version.parameters.map((p) => p.name).join(", ") || "none";
              return [
                `${plan.pipeline} ${version.version}: built (${version.templateCount} templates; parameters: ${params})`,
                ...version.diagnostics.map(formatDiagnostic),
              ].join("\n");
            });
            return version.ok ? EXIT_OK : EXIT_FAILED;
          } catch (error) {
            if (error instanceof PushError) throw new UsageError(error.message);
            throw error;
          } finally {
            bucket?.close();
          }
        });
      },
    );
}

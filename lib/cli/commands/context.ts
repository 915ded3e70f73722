import type { Command } from "commander";
import { configDir, LOCAL_CONTEXT } from "../../client/config-dir";
import type { ContextStore, SavedContext } from "../../client/contexts";
import { table } from "../../client/format";
import { pickedContext } from "../context-option";
import { EXIT_OK } from "../exit";
import { OUTPUT_OPTION, outputFormat, print } from "../output";

interface ContextRow {
  name: string;
  current: boolean;
  apiUrl?: string;
  bucket?: string;
  region?: string;
  awsProfile?: string;
}

/** `skiff context add|use|list|show|remove`: named stages kept in the user's config directory. */
export function registerContextCommands(program: Command): void {
  const context = program
    .command("context")
    .description(
      `named stages to talk to, kept in ${configDir().replace(process.env.HOME ?? "\0", "~")}/contexts.json (never credentials)`,
    );
  // The contexts file is read with zod: loaded when a context command runs, not when `skiff` starts.
  const store = async () => new (await import("../../client/contexts")).ContextStore();

  context
    .command("add <name>")
    .description("save a deployed stage under a name (replacing one of that name)")
    .requiredOption("--api-url <url>", "the stage's HTTP API URL")
    .option("--bucket <bucket>", "the stage's pipelines bucket (for push)")
    .option("--region <region>", "the stage's AWS region (default: from the API URL or AWS_REGION)")
    .option("--aws-profile <profile>", "the AWS profile whose credentials sign requests (the SDK reads it)")
    .option("--use", "also make it the current context")
    .option(...OUTPUT_OPTION)
    .action(
      async (
        name: string,
        options: {
          apiUrl: string;
          bucket?: string;
          region?: string;
          awsProfile?: string;
          use?: boolean;
          output?: string;
        },
      ) => {
        const format = outputFormat(options.output);
        const saved = (await store()).add(name, {
          apiUrl: options.apiUrl.replace(/\/+$/, ""),
          ...(options.bucket ? { bucket: options.bucket } : {}),
          ...(options.region ? { region: options.region } : {}),
          ...(options.awsProfile ? { awsProfile: options.awsProfile } : {}),
        });
        if (options.use) (await store()).use(name);
        print(format, { name, ...saved }, () => `context ${name} saved${options.use ? " and in use" : ""}`);
        process.exitCode = EXIT_OK;
      },
    );

  context
    .command("use <name>")
    .description(`make a context the current one (${LOCAL_CONTEXT}: the embedded stack)`)
    .option(...OUTPUT_OPTION)
    .action(async (name: string, options: { output?: string }) => {
      const format = outputFormat(options.output);
      (await store()).use(name);
      print(format, { current: name }, () => `using context ${name}`);
    });

  context
    .command("list")
    .description("list the contexts (* marks the one commands use)")
    .option(...OUTPUT_OPTION)
    .action(async (options: { output?: string }) => {
      const format = outputFormat(options.output);
      const rows = await contextRows(await store());
      print(format, rows, () =>
        table([
          ["CURRENT", "NAME", "API URL", "REGION", "AWS PROFILE"],
          ...rows.map((r) => [
            r.current ? "*" : "",
            r.name,
            r.apiUrl ?? "(not running)",
            r.region ?? "",
            r.awsProfile ?? "",
          ]),
        ]),
      );
    });

  context
    .command("show [name]")
    .description("show a context (default: the one commands use now, and why)")
    .option(...OUTPUT_OPTION)
    .action(async (name: string | undefined, options: { output?: string }) => {
      const format = outputFormat(options.output);
      const { resolveContext } = await import("../../client/contexts");
      const resolved = resolveContext({ context: name ?? pickedContext() });
      const saved: SavedContext | undefined = (await store()).read().contexts[resolved.name];
      // The embedded stack's own keys (stack.json) are not shown: a context view never carries credentials.
      const { credentials: _credentials, ...endpoints } = resolved.endpoints;
      const view = { name: resolved.name, ...(saved ?? {}), ...endpoints };
      print(format, view, () =>
        [
          `Context:     ${resolved.name}`,
          `API URL:     ${resolved.endpoints.apiUrl}`,
          `Bucket:      ${resolved.endpoints.bucket ?? "-"}`,
          `Region:      ${resolved.endpoints.region ?? "-"}`,
          `AWS profile: ${resolved.endpoints.awsProfile ?? (resolved.endpoints.local ? "- (the embedded stack takes none)" : "- (the SDK's default chain)")}`,
        ].join("\n"),
      );
    });

  context
    .command("remove <name>")
    .description("forget a saved context")
    .option(...OUTPUT_OPTION)
    .action(async (name: string, options: { output?: string }) => {
      const format = outputFormat(options.output);
      (await store()).remove(name);
      print(format, { removed: name }, () => `context ${name} removed`);
    });
}

/** `local` first (when a stack is running here), then the saved ones; the current one marked. */
async function contextRows(store: ContextStore): Promise<ContextRow[]> {
  const [{ endpointsOf }, { findStackFile, localStackEndpoints }] = await Promise.all([
    import("../../client/contexts"),
    import("../../client/endpoints"),
  ]);
  const file = store.read();
  const fromEnv = process.env.SKIFF_CONTEXT?.trim() || (process.env.SKIFF_API_URL ? "env" : undefined);
  const current = pickedContext() ?? fromEnv ?? file.current ?? LOCAL_CONTEXT;
  const rows: ContextRow[] = [];
  const local = findStackFile() ? localStackEndpoints() : undefined;
  rows.push({
    name: LOCAL_CONTEXT,
    current: current === LOCAL_CONTEXT,
    ...(local ? { apiUrl: local.apiUrl, region: local.region } : {}),
  });
  for (const [name, saved] of Object.entries(file.contexts)) {
    const endpoints = endpointsOf(saved, {});
    rows.push({
      name,
      current: current === name,
      apiUrl: endpoints.apiUrl,
      ...(saved.bucket ? { bucket: saved.bucket } : {}),
      ...(endpoints.region ? { region: endpoints.region } : {}),
      ...(saved.awsProfile ? { awsProfile: saved.awsProfile } : {}),
    });
  }
  return rows;
}

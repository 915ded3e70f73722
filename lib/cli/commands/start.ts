import { relative } from "node:path";
import type { Command } from "commander";
import { collect, UsageError } from "../exit";

export interface StartOptions {
  port: string;
  stateDir?: string;
  stage: string;
  webhook: string[];
  examples: boolean;
  verbose?: boolean;
}

/** `skiff start`: the embedded stack in the foreground until Ctrl-C. */
export function registerStartCommand(program: Command): void {
  program
    .command("start")
    .description(
      "run Skiff on this machine: S3, DynamoDB Local, the event bus, the local engine and the HTTP API",
    )
    .option("--port <base>", "first of four consecutive ports (HTTP API, S3, bus, DynamoDB)", "7700")
    .option("--state-dir <dir>", "where objects, tables and step work directories are kept (default: .skiff)")
    .option("--stage <stage>", "serverless.yml stage to resolve", "local")
    .option(
      "--webhook <url>",
      "POST every bus event to this URL (repeatable; SKIFF_WEBHOOKS adds filtered ones)",
      collect,
      [],
    )
    .option("--no-examples", "do not upload examples/*/pipeline.ts at start")
    .option("--verbose", "keep the handlers' INFO logs")
    .action(async (options: StartOptions) => {
      await runStart(options);
    });
}

async function runStart(options: StartOptions): Promise<void> {
  // zod loads with these, only when the stack starts (every other command would pay for it).
  const { stackPorts, webhooksFrom } = await import("../stack-options");
  const ports = stackPorts(options.port);
  const webhooks = webhooksFrom(options.webhook, process.env.SKIFF_WEBHOOKS);
  if (!options.verbose) process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";
  const [{ startStack }, { projectRoot }, { portInUse }] = await Promise.all([
    import("../../local/stack"),
    import("../../local/project"),
    import("../../local/net"),
  ]);
  // Checked up front: finding a busy port only after DynamoDB Local has started would waste the user's time.
  for (const [name, port] of Object.entries(ports)) {
    if (await portInUse(port)) {
      throw new UsageError(
        `port ${port} (${name}) is already in use: is another stack running? Stop it, or pick other ports with --port`,
      );
    }
  }
  const root = projectRoot();
  const out = (line = "") => process.stdout.write(`${line}\n`);
  out("skiff: starting the embedded stack (DynamoDB Local takes a few seconds) …");
  const stack = await startStack({
    root,
    stage: options.stage,
    stateDir: options.stateDir,
    ports,
    webhooks,
    uploadExamples: options.examples,
    // Loaded after the stack has set AWS endpoints and names in the environment, as Lambda would at init.
    handlers: async () => (await import("../../../functions/index")).handlers,
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write(`skiff: ${signal} again, exiting now\n`);
      process.exit(130);
    }
    stopping = true;
    out(`\nskiff: ${signal}: stopping (DynamoDB Local, s3rver, running steps) …`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`skiff: stopping failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGHUP", () => stop("SIGHUP"));

  const built = new Map<string, string>();
  for (const event of stack.router.history()) {
    const pipeline = (event.detail as { pipeline?: string }).pipeline;
    if (!pipeline) continue;
    if (event["detail-type"] === "Pipeline Build Succeeded") built.set(pipeline, "built");
    if (event["detail-type"] === "Pipeline Build Failed") built.set(pipeline, "build failed");
  }
  const examples = stack.examples.map(
    (name) => `${name}${built.get(name) === "build failed" ? " (build failed)" : ""}`,
  );
  const first = stack.examples.includes("hello") ? "hello" : (stack.examples[0] ?? "<pipeline>");
  out();
  out(
    `Skiff is running (stage ${stack.stage}, state in ${relative(process.cwd(), options.stateDir ?? `${root}/.skiff`) || "."})`,
  );
  out(`  HTTP API   ${stack.apiUrl}`);
  out(`  S3         ${stack.s3Endpoint}   bucket ${stack.bucket}`);
  out(`  DynamoDB   ${stack.dynamodbEndpoint}   table ${stack.table}`);
  out(`  Event bus  ${stack.busUrl}   bus ${stack.eventBus}  (GET /events?follow=true)`);
  if (examples.length > 0) out(`  Pipelines  ${examples.join(", ")}`);
  out();
  out("Next, in another terminal:");
  out(`  npx skiff run ${first} --wait`);
  out("  npx skiff events --follow");
  out();
  out("Ctrl-C stops everything.");
  // Keeps running: the servers hold the event loop open until a signal arrives.
}

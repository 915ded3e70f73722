// `skiff start`'s work, loaded only when it runs: zod (which validates SKIFF_WEBHOOKS) alone is about a hundred
// modules for Node's loader, which every other command would otherwise load at start-up.
import { join, relative } from "node:path";
import { z } from "zod";
import { UsageError } from "../exit";

export interface StartOptions {
  port: string;
  stateDir?: string;
  stage: string;
  webhook: string[];
  examples: boolean;
  verbose?: boolean;
}

/** The ports the stack listens on, from `--port <base>`: API, S3, bus, DynamoDB. */
export function stackPorts(base: string): { api: number; s3: number; bus: number; dynamodb: number } {
  const port = Number(base);
  if (!Number.isInteger(port) || port < 1024 || port > 65532) {
    throw new UsageError(`--port expects a port between 1024 and 65532, got "${base}"`);
  }
  return { api: port, s3: port + 1, bus: port + 2, dynamodb: port + 3 };
}

const webhooksSchema = z.array(
  z.object({ url: z.url({ protocol: /^https?$/ }), pattern: z.record(z.string(), z.unknown()).optional() }),
);

/**
 * Webhooks from `--webhook <url>` (every event) and from `SKIFF_WEBHOOKS`, a JSON list of `{ url, pattern? }` whose
 * pattern (EventBridge syntax) selects the events posted.
 */
export function webhooksFrom(
  flags: string[],
  json: string | undefined,
): Array<{ url: string; pattern?: unknown }> {
  const hooks: Array<{ url: string; pattern?: unknown }> = flags.map((url) => ({ url }));
  if (!json) return hooks;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new UsageError(`SKIFF_WEBHOOKS is not valid JSON: ${(error as Error).message}`);
  }
  const checked = webhooksSchema.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new UsageError(`SKIFF_WEBHOOKS[${issue.path.join("].")}: ${issue.message}`);
  }
  return [...hooks, ...checked.data];
}

/** `skiff start`: the embedded stack in the foreground until Ctrl-C. */
export async function runStart(options: StartOptions): Promise<void> {
  const ports = stackPorts(options.port);
  const webhooks = webhooksFrom(options.webhook, process.env.SKIFF_WEBHOOKS);
  const [{ startStack }, { projectHome, projectRoot }, { portInUse }] = await Promise.all([
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
  // An installed package keeps the stack's state in the project that installed it, where the CLI looks.
  const stateDir = options.stateDir ?? join(projectHome(root).home, ".skiff");
  const out = (line = "") => process.stdout.write(`${line}\n`);
  out("skiff: starting the embedded stack (DynamoDB Local takes a few seconds) …");
  const stack = await startStack({
    root,
    stage: options.stage,
    stateDir,
    ports,
    webhooks,
    uploadExamples: options.examples,
    // The handlers' INFO lines would drown the stack's own output.
    ...(options.verbose ? {} : { handlerLogLevel: "WARN" }),
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
  out(`Skiff is running (stage ${stack.stage}, state in ${relative(process.cwd(), stateDir) || "."})`);
  out(`  Dashboard  ${stack.apiUrl}/`);
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

// `skiff start`'s options that need checking: the ports and the webhooks.
import { z } from "zod";
import { UsageError } from "./exit";

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

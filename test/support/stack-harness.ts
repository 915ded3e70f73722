import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { EventEnvelope } from "../../lib/local/bus/envelope";
import { createS3Client } from "../../lib/local/s3";
import { type Stack, type StackOptions, startStack } from "../../lib/local/stack";
import { type CliResult, runSkiff } from "./skiff-cli";

export interface StackHarness {
  stack: Stack;
  /** Every bus event since the stack started. */
  events: EventEnvelope[];
  /** The first bus event satisfying `test`, already seen or still to come. */
  nextEvent(test: (event: EventEnvelope) => boolean): Promise<EventEnvelope>;
  /** Uploads an object to the stack's bucket, as `skiff push` or a user would. */
  put(key: string, body: string | Uint8Array): Promise<void>;
  /** The `skiff` command against this stack (by its API URL, as `SKIFF_API_URL` picks a stage). */
  skiff(...args: string[]): Promise<CliResult>;
  stop(): Promise<void>;
}

/** The first bus event satisfying `test`: among `events` (those seen so far), or the next to come. */
export function nextBusEvent(
  stack: Stack,
  events: readonly EventEnvelope[],
  test: (event: EventEnvelope) => boolean,
): Promise<EventEnvelope> {
  return new Promise((resolve) => {
    const seen = events.find(test);
    if (seen) return resolve(seen);
    const unsubscribe = stack.router.subscribe((event) => {
      if (test(event)) {
        unsubscribe();
        resolve(event);
      }
    });
  });
}

/**
 * The embedded stack in this process with the real handlers of functions/index.ts (overridable), no examples
 * uploaded, and the handlers' INFO lines quiet as `skiff start` keeps them; the log level is restored on stop.
 */
export async function startStackHarness(options: Partial<StackOptions> = {}): Promise<StackHarness> {
  const logLevel = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = "WARN";
  const stack = await startStack({
    ephemeral: true,
    handlers: async () => (await import("../../functions/index")).handlers,
    uploadExamples: false,
    log: () => {},
    ...options,
  });
  const events: EventEnvelope[] = [];
  stack.router.subscribe((event) => events.push(event));
  return {
    stack,
    events,
    nextEvent: (test) => nextBusEvent(stack, events, test),
    put: async (key, body) => {
      const s3 = createS3Client(stack.s3Endpoint);
      try {
        await s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: body }));
      } finally {
        s3.destroy();
      }
    },
    skiff: (...args) =>
      runSkiff(args, { env: { ...process.env, SKIFF_CONTEXT: "", SKIFF_API_URL: stack.apiUrl } }),
    stop: async () => {
      await stack.stop();
      if (logLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
      else process.env.POWERTOOLS_LOG_LEVEL = logLevel;
    },
  };
}

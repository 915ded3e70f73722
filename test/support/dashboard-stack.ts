// The real embedded stack for browser tests, in this process: the functions' handlers, the examples built,
// and the dashboard served at its API's address (the same as `npm start`, without a state directory).
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { createS3Client } from "../../lib/local/s3";
import { type Stack, startStack } from "../../lib/local/stack";

/** Starts an ephemeral stack with examples/ uploaded and built; `stop()` it in afterAll. */
export function startDashboardStack(): Promise<Stack> {
  return startStack({
    ephemeral: true,
    uploadExamples: true,
    handlerLogLevel: "WARN",
    log: () => {},
    handlers: async () => (await import("../../functions/index")).handlers,
  });
}

/** Uploads `source` as `pipelines/<name>.ts` and waits for its build (a version, good or failed). */
export async function pushPipeline(stack: Stack, name: string, source: string): Promise<void> {
  const s3 = createS3Client(stack.s3Endpoint);
  try {
    await s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: `pipelines/${name}.ts`, Body: source }));
  } finally {
    s3.destroy();
  }
  await stack.idle();
}

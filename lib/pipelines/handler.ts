import { Logger } from "@aws-lambda-powertools/logger";
import { S3Schema } from "@aws-lambda-powertools/parser/schemas/s3";
import type { BuildOutcome, BuildService } from "./build-service";
import { decodeS3EventKey } from "./names";

export class InvalidTriggerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidTriggerError";
  }
}

/**
 * The build function: an S3 ObjectCreated notification (validated with Powertools' S3 schema), each
 * record's key URL-decoded as S3 encodes it, built in order. A thrown error makes Lambda retry the event;
 * builds are idempotent (identical content records nothing new).
 */
export function createBuildHandler(
  service: () => BuildService,
  logger = new Logger({ serviceName: "skiff-build" }),
) {
  return async (event: unknown): Promise<{ results: BuildOutcome[] }> => {
    const parsed = S3Schema.safeParse(event);
    if (!parsed.success) {
      throw new InvalidTriggerError(
        `not an S3 notification: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
        { cause: parsed.error },
      );
    }
    const results: BuildOutcome[] = [];
    for (const record of parsed.data.Records) {
      const key = decodeS3EventKey(record.s3.object.key);
      const outcome = await service().buildKey(key, { versionId: record.s3.object.versionId });
      logger.info("build", { bucket: record.s3.bucket.name, ...summary(outcome) });
      results.push(outcome);
    }
    return { results };
  };
}

function summary(outcome: BuildOutcome): Record<string, unknown> {
  switch (outcome.kind) {
    case "skipped":
      return { key: outcome.key, outcome: "skipped", reason: outcome.reason };
    case "rejected":
      return { key: outcome.key, outcome: "rejected", diagnostics: outcome.diagnostics.length };
    case "built":
      return {
        key: outcome.key,
        outcome: outcome.version.ok ? "succeeded" : "failed",
        pipeline: outcome.version.pipeline,
        version: outcome.version.version,
        created: outcome.created,
        diagnostics: outcome.version.diagnostics.length,
      };
  }
}

import { S3Client } from "@aws-sdk/client-s3";
import type { SkiffConfig } from "../../config";

/**
 * The S3 client the handlers use. Endpoints come from the SDK's own `AWS_ENDPOINT_URL_S3`; a local S3
 * server needs path-style addressing, and checksums only where S3 requires them (s3rver predates them).
 */
export function s3ClientFor(config: Pick<SkiffConfig, "s3PathStyle">): S3Client {
  return new S3Client(
    config.s3PathStyle
      ? {
          forcePathStyle: true,
          requestChecksumCalculation: "WHEN_REQUIRED",
          responseChecksumValidation: "WHEN_REQUIRED",
        }
      : {},
  );
}

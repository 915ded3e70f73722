import { config as loadConfig, type SkiffConfig } from "../config";
import { createEngine } from "../engine";
import { s3ClientFor } from "../pipelines/aws";
import { S3SpecStore } from "../pipelines/s3-spec-store";
import { DynamoRunStore } from "../runs/dynamo-run-store";
import type { ApiDeps } from "./deps";

/** The API's ports on the configured bucket, table and engine (one set per container). */
export function apiDepsFromConfig(config: SkiffConfig = loadConfig()): ApiDeps {
  return {
    runs: new DynamoRunStore({ tableName: config.table }),
    specs: new S3SpecStore({ bucket: config.bucket, client: s3ClientFor(config) }),
    engine: createEngine(config.engine),
    config,
  };
}

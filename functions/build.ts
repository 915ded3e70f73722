// Build on upload (S3 ObjectCreated on pipelines/*.ts). The logic is in lib/pipelines.
import type { BuildService } from "../lib/pipelines/build-service";
import { createBuildHandler } from "../lib/pipelines/handler";
import { buildServiceFromConfig } from "../lib/pipelines/wiring";

let service: BuildService | undefined;

export const handler = createBuildHandler(() => {
  service ??= buildServiceFromConfig();
  return service;
});

// Build on upload (S3 ObjectCreated on pipelines/*.ts). The logic is in lib/pipelines.
import { createBuildHandler } from "../lib/pipelines/handler";
import { buildServiceFromConfig } from "../lib/pipelines/wiring";
import { fromConfig } from "./init";

export const handler = createBuildHandler(fromConfig(buildServiceFromConfig));

// The HTTP API (runs and pipelines). Routes and their logic are in lib/api.
import type { ApiDeps } from "../lib/api/deps";
import { createPipelineHandler } from "../lib/api/handler";
import { apiDepsFromConfig } from "../lib/api/wiring";

let deps: ApiDeps | undefined;

export const handler = createPipelineHandler(() => {
  deps ??= apiDepsFromConfig();
  return deps;
});

// The HTTP API (runs and pipelines). Routes and their logic are in lib/api.
import type { ApiDeps } from "../lib/api/deps";
import { createPipelineHandler } from "../lib/api/handler";
import { apiDepsFromConfig } from "../lib/api/wiring";

let deps: Promise<ApiDeps> | undefined;

export const handler = createPipelineHandler(() => {
  deps ??= apiDepsFromConfig().catch((error: unknown) => {
    deps = undefined; // retried by the next request
    throw error;
  });
  return deps;
});

// The HTTP API (runs and pipelines). Routes and their logic are in lib/api.
import { createApiHandler } from "../lib/api/handler";
import { apiDepsFromConfig } from "../lib/api/wiring";
import { fromConfig } from "./init";

export const handler = createApiHandler(fromConfig(apiDepsFromConfig));

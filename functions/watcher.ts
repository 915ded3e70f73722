// EventBridge → watcher: engine status changes (`skiff.engine` / `Workflow Status Change`), the scheduled sweep
// and redrives of parked events. The logic is in lib/runs.
import { Logger } from "@aws-lambda-powertools/logger";
import { createWatcherHandler } from "../lib/runs/watcher-handler";
import { watcherFromConfig } from "../lib/runs/wiring";
import { fromConfig } from "./init";

const logger = new Logger({ serviceName: "skiff-watcher" });

export const handler = createWatcherHandler(fromConfig(watcherFromConfig), {
  info: (message, extra) => logger.info(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
});

// EventBridge → watcher: engine status changes (`skiff.engine` / `Workflow Status Change`) and the scheduled
// sweep. Thin: configuration and clients here, the logic in lib/runs/watcher.ts.
import { Logger } from "@aws-lambda-powertools/logger";
import { config } from "../lib/config";
import { EventBridgeBus } from "../lib/events/eventbridge-bus";
import { DynamoRunStore } from "../lib/runs/dynamo-run-store";
import { createWatcherHandler, noStatusTimeoutFromEnv } from "../lib/runs/watcher-handler";

const logger = new Logger({ serviceName: "skiff-watcher" });

export const handler = createWatcherHandler(
  async () => {
    const cfg = config();
    // The engine (client-node, EKS auth) loads on the first event, keeping the init phase small.
    const { createEngine } = await import("../lib/engine");
    return {
      store: new DynamoRunStore({ tableName: cfg.table }),
      bus: new EventBridgeBus({ busName: cfg.eventBus }),
      engine: createEngine(cfg.engine),
    };
  },
  {
    log: {
      info: (message, extra) => logger.info(message, extra ?? {}),
      error: (message, extra) => logger.error(message, extra ?? {}),
    },
    noStatusTimeoutMs: noStatusTimeoutFromEnv(process.env),
  },
);

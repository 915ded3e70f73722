import type { SkiffConfig } from "../config";
import { EventBridgeBus } from "../events/eventbridge-bus";
import { DynamoRunStore } from "./dynamo-run-store";
import { Watcher } from "./watcher";

/**
 * The watcher on the configured table, bus and engine (one per container). The engine module (client-node, EKS
 * auth) is loaded here, on the first event, not at module load, keeping the init phase small.
 */
export async function watcherFromConfig(config: SkiffConfig): Promise<Watcher> {
  const { createEngine } = await import("../engine");
  return new Watcher(
    {
      store: new DynamoRunStore({ tableName: config.table }),
      bus: new EventBridgeBus({ busName: config.eventBus }),
      engine: createEngine(config.engine),
    },
    { noStatusTimeoutMs: config.limits.noStatusTimeoutMs },
  );
}

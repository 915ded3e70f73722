// EventBridge → watcher: engine status changes (`skiff.engine` / `Workflow Status Change`), the scheduled sweep
// and redrives of parked events. The logic is in lib/runs.
import { createWatcherHandler } from "../lib/runs/watcher-handler";
import { watcherFromConfig } from "../lib/runs/wiring";
import { fromConfig } from "./init";

export const handler = createWatcherHandler(fromConfig(watcherFromConfig));

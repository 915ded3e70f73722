import type { Workflow } from "../argo";
import { LABEL_RUN_ID } from "../engine/labels";
import { DETAIL_TYPES, ENGINE_SOURCE, type WorkflowStatusChangeDetail } from "../events/contracts";
import type { Engine } from "../ports/engine";
import type { EventRouter } from "./bus/router";

export interface EngineFeedOptions {
  engine: Engine;
  router: EventRouter;
  /** The Skiff bus the watcher's rule listens on. */
  eventBus: string;
  log?: (message: string) => void;
}

/**
 * What makes one status event different from the last: the workflow phase and every node's phase. The local
 * engine reports every write (progress, outputs, timestamps); the watcher only needs to hear about changes
 * it would record.
 */
function signature(workflow: Workflow): string {
  const nodes = Object.entries(workflow.status?.nodes ?? {})
    .map(([id, node]) => `${id}=${node.phase ?? ""}`)
    .sort();
  return `${workflow.status?.phase ?? ""}|${nodes.join(",")}`;
}

/**
 * Turns the local engine's change feed into `skiff.engine` / `Workflow Status Change` events on the bus, as
 * the exit notifier does for Argo in the cloud (but for every phase change, not only completion). Runs until
 * `stop()`.
 */
export interface EngineFeed {
  /** Publishes any change the feed has not published yet (used before shutting down). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export function startEngineFeed(options: EngineFeedOptions): EngineFeed {
  const { engine, router, eventBus, log = (m: string) => process.stderr.write(`${m}\n`) } = options;
  const controller = new AbortController();
  const last = new Map<string, string>();
  const publish = (workflow: Workflow) => {
    const metadata = workflow.metadata;
    const runId = metadata?.labels?.[LABEL_RUN_ID];
    if (!runId || !metadata?.name) return;
    const key = `${metadata.namespace}/${metadata.name}/${metadata.uid}`;
    const current = signature(workflow);
    if (last.get(key) === current) return;
    last.set(key, current);
    const detail: WorkflowStatusChangeDetail = {
      runId,
      namespace: metadata.namespace ?? "default",
      workflowName: metadata.name,
      uid: metadata.uid,
      phase: workflow.status?.phase,
    };
    const result = router.putEvents([
      {
        EventBusName: eventBus,
        Source: ENGINE_SOURCE,
        DetailType: DETAIL_TYPES.workflowStatusChange,
        Detail: JSON.stringify(detail),
        Resources: [`workflows.argoproj.io/${detail.namespace}/${detail.workflowName}`],
      },
    ]);
    if (result.FailedEntryCount > 0) {
      log(`engine feed: status event for run ${runId} refused: ${JSON.stringify(result.Entries[0])}`);
    }
  };
  const loop = (async () => {
    for await (const change of engine.watch({ labelSelector: LABEL_RUN_ID, signal: controller.signal })) {
      const metadata = change.object.metadata;
      if (change.type === "DELETED") last.delete(`${metadata?.namespace}/${metadata?.name}/${metadata?.uid}`);
      else publish(change.object);
    }
  })().catch((error: unknown) => {
    if (!controller.signal.aborted) log(`engine feed stopped: ${(error as Error).message}`);
  });
  return {
    async flush() {
      // The watch stream may still hold the latest changes; the engine's list is authoritative.
      let page: string | undefined;
      do {
        const list = await engine.list({ labelSelector: LABEL_RUN_ID, continue: page });
        for (const workflow of list.items) publish(workflow);
        page = list.continue;
      } while (page);
    },
    async stop() {
      controller.abort();
      await loop;
    },
  };
}

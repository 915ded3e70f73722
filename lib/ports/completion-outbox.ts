import type { Page, PageQuery } from "./page";
import type { RunRecord } from "./run-store";

/**
 * The `CompletionOutbox` port: runs whose `Pipeline Run Completed` event is owed (DynamoDB,
 * lib/adapters/dynamodb/completion-outbox.ts). The `RunStore` write that makes a run terminal enters it here in the
 * same transaction; the watcher marks it published once the event is out, and its sweep publishes what a
 * crashed or failed publisher left behind.
 */
/** A run that reached a terminal status whose `Pipeline Run Completed` event is not yet confirmed published. */
export interface PendingCompletion {
  run: RunRecord;
  /** When the terminal status was written. */
  since: string;
}

export interface CompletionOutbox {
  listPendingCompletions(options?: PageQuery): Promise<Page<PendingCompletion>>;
  markCompletionPublished(runId: string): Promise<void>;
}

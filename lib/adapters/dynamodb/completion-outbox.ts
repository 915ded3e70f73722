import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import type { CompletionOutbox, PendingCompletion } from "../../ports/completion-outbox";
import type { Page, PageQuery } from "../../ports/page";
import { RunStoreError } from "../../runs/errors";
import { decodeCursor, pageSize } from "./cursor";
import { OUTBOX_PK } from "./keys";
import { readRuns } from "./run-items";
import { DynamoTable, type DynamoTableOptions, type Item } from "./table";

/** `CompletionOutbox` on the single DynamoDB table: one item per run under the `OUTBOX` partition (keys.ts). */
export class DynamoCompletionOutbox implements CompletionOutbox {
  private readonly table: DynamoTable;

  constructor(options: DynamoTableOptions) {
    this.table = new DynamoTable(options);
  }

  async listPendingCompletions(options: PageQuery = {}): Promise<Page<PendingCompletion>> {
    return this.table.collect<PendingCompletion>(
      {
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": OUTBOX_PK },
        ConsistentRead: true,
      },
      pageSize(options.limit),
      options.cursor ? decodeCursor(options.cursor).key : undefined,
      async (entries) => {
        const runs = await readRuns(
          this.table,
          entries.map((e) => String(e.runId)),
        );
        const since = new Map(entries.map((e) => [String(e.runId), String(e.since)]));
        return runs.map((run) => ({ run, since: since.get(run.runId) ?? run.finishedAt ?? run.createdAt }));
      },
    );
  }

  async markCompletionPublished(runId: string): Promise<void> {
    try {
      await this.table.doc.send(
        new DeleteCommand({ TableName: this.table.name, Key: { pk: OUTBOX_PK, sk: runId } }),
      );
    } catch (error) {
      throw new RunStoreError(
        `marking the completion of run ${runId} published: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
}

/**
 * The outbox entry of a run that became terminal `since`. The run store writes it in the transaction of the
 * terminal status (`DynamoRunStore.applyStatus`), the one write that spans the two ports.
 */
export function outboxItem(runId: string, since: string): Item {
  return { pk: OUTBOX_PK, sk: runId, kind: "outbox", runId, since };
}

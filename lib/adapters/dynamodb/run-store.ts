import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Page, PageQuery } from "../../ports/page";
import type {
  RunCountQuery,
  RunCounts,
  RunQuery,
  RunRecord,
  RunStore,
  StatusUpdate,
  StatusUpdateResult,
  StepRecord,
} from "../../ports/run-store";
import { InvalidRunInputError, RunNotFoundError, RunStoreError } from "../../runs/errors";
import { RecentEntries } from "../../runs/recent";
import { recordingOf } from "../../runs/recording";
import { isTerminal, statusRank } from "../../runs/status";
import { outboxItem } from "./completion-outbox";
import { idempotencyPk, PARAM_PREFIX, runPk, SK_IDEMPOTENCY, SK_RUN } from "./keys";
import { countRuns } from "./run-counts";
import { attemptOf, parameterItems, runItem, stepItem } from "./run-items";
import * as queries from "./run-queries";
import {
  cancellationCodes,
  DynamoTable,
  type DynamoTableOptions,
  type Item,
  RetryableConflict,
  strip,
  TRANSACTION_ITEMS,
  type TransactItems,
} from "./table";

export interface DynamoRunStoreOptions extends DynamoTableOptions {
  /** How long an idempotency key keeps returning the same run. Default: 24 hours. */
  idempotencyTtlSeconds?: number;
  /**
   * Run items this store remembers from its own reads and writes, so that a status update the record would
   * not keep (a duplicate, progress of steps only) costs no read, and a write needs no read first (it is
   * conditioned on the remembered revision; a stale memory fails the condition and is read afresh).
   * 0 turns it off. Default: 1,000 runs.
   */
  rememberedRuns?: number;
  /** Clock, for tests. Default: `() => new Date()`. */
  now?: () => Date;
}

/** The terminal record's transaction: the run item, the outbox entry, and steps. */
const STEPS_IN_FINAL_TRANSACTION = TRANSACTION_ITEMS - 2;
/** Parameters indexed per run (each is one small item); requests are bounded well below this. */
export const MAX_PARAMETERS_PER_RUN = 1000;

/** `RunStore` on the single DynamoDB table (layout in keys.ts; index queries in run-queries.ts). */
export class DynamoRunStore implements RunStore {
  private readonly table: DynamoTable;
  private readonly idempotencyTtlSeconds: number;
  private readonly now: () => Date;
  /** Run items as last read or written by this store (see `rememberedRuns`). */
  private readonly remembered: RecentEntries<string, Item> | undefined;

  constructor(options: DynamoRunStoreOptions) {
    this.table = new DynamoTable(options);
    this.idempotencyTtlSeconds = options.idempotencyTtlSeconds ?? 24 * 3600;
    this.now = options.now ?? (() => new Date());
    const remembered = options.rememberedRuns ?? 1000;
    this.remembered = remembered > 0 ? new RecentEntries(remembered) : undefined;
  }

  async createRun(run: RunRecord): Promise<{ run: RunRecord; created: boolean }> {
    const parameters = parameterItems(run);
    if (parameters.length > MAX_PARAMETERS_PER_RUN) {
      throw new InvalidRunInputError(
        `parameters: at most ${MAX_PARAMETERS_PER_RUN} parameters per run, got ${parameters.length}`,
        "parameters",
      );
    }
    const items: TransactItems = [
      {
        Put: {
          TableName: this.table.name,
          Item: { ...runItem(run), revision: 1 },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
    ];
    const key = run.idempotencyKey;
    if (key !== undefined) {
      // The run and its idempotency key commit together: a key never names a run that does not exist.
      const nowSeconds = Math.floor(this.now().getTime() / 1000);
      items.push({
        Put: {
          TableName: this.table.name,
          Item: {
            pk: idempotencyPk(key),
            sk: SK_IDEMPOTENCY,
            kind: "idempotency",
            runId: run.runId,
            expiresAt: nowSeconds + this.idempotencyTtlSeconds,
          },
          ConditionExpression: "attribute_not_exists(pk) OR expiresAt < :now",
          ExpressionAttributeValues: { ":now": nowSeconds },
        },
      });
    }
    // Index entries fill the transaction; any beyond its 100 items follow in batches once the run exists.
    const inTransaction = TRANSACTION_ITEMS - items.length;
    for (const Item of parameters.slice(0, inTransaction))
      items.push({ Put: { TableName: this.table.name, Item } });
    const created = await this.table.optimistic(`creating run ${run.runId}`, async () => {
      if (key !== undefined) {
        const existing = await this.runForIdempotencyKey(key);
        if (existing) return { run: existing, created: false };
      }
      try {
        await this.table.transact(items);
        return { run, created: true };
      } catch (error) {
        if (!(error instanceof RetryableConflict)) throw error;
        if (error.reasons[0] === "ConditionalCheckFailed") {
          const existing = await this.getRun(run.runId);
          if (existing) return { run: existing, created: false };
        }
        // Lost to a concurrent identical request (or a transient conflict): look again.
        throw error;
      }
    });
    if (created.created) await this.table.batchPut(parameters.slice(inTransaction), "parameter entries");
    return created;
  }

  async discardRun(runId: string): Promise<boolean> {
    const item = await this.readRun(runId);
    if (item?.status !== "Pending") return false;
    const key = typeof item.idempotencyKey === "string" ? item.idempotencyKey : undefined;
    try {
      await this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table.name,
                Key: { pk: runPk(runId), sk: SK_RUN },
                ConditionExpression: "#status = :pending AND attribute_not_exists(engine.workflowName)",
                ExpressionAttributeNames: { "#status": "status" },
                ExpressionAttributeValues: { ":pending": "Pending" },
              },
            },
            ...(key === undefined
              ? []
              : [
                  {
                    Delete: {
                      TableName: this.table.name,
                      Key: { pk: idempotencyPk(key), sk: SK_IDEMPOTENCY },
                      ConditionExpression: "attribute_not_exists(pk) OR runId = :runId",
                      ExpressionAttributeValues: { ":runId": runId },
                    },
                  },
                ]),
          ],
        }),
      );
    } catch (error) {
      // The run moved on meanwhile (a workflow or another status recorded): it is no longer ours to discard.
      if (cancellationCodes(error)?.includes("ConditionalCheckFailed")) return false;
      throw new RunStoreError(`discarding run ${runId}: ${(error as Error).message}`, { cause: error });
    }
    this.remembered?.delete(runId);
    // The parameter index entries: a search reads runs through them and skips those that do not exist, so
    // entries a crash (or a batch left unprocessed) leaves here are invisible.
    const entries = await this.table.partition(runPk(runId), PARAM_PREFIX);
    await this.table.batchWrite(entries.map((i) => ({ DeleteRequest: { Key: { pk: i.pk, sk: i.sk } } })));
    return true;
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const item = await this.table.getItem(runPk(runId), SK_RUN);
    return item ? strip<RunRecord>(item) : undefined;
  }

  async queryRuns(query: RunQuery): Promise<Page<RunRecord>> {
    return queries.queryRuns(this.table, query);
  }

  async countRuns(query: RunCountQuery): Promise<RunCounts> {
    return countRuns(this.table, query);
  }

  /**
   * Compare-and-swap on the run item's revision: read the run, decide what the update is worth recording
   * (recording.ts), and write it conditioned on the revision read. A lost race re-reads and re-decides, so
   * exactly one writer moves a run into a terminal status. A status change alone is one conditional write of
   * the run item; the terminal record is ONE transaction of the run, the completion outbox entry and up to 98
   * steps, with any further steps in batches of 25: writes per run ≤ 1 + ⌈steps/25⌉.
   */
  async applyStatus(update: StatusUpdate): Promise<StatusUpdateResult> {
    let fresh = false;
    return this.table.optimistic(`updating run ${update.runId}`, async () => {
      // A remembered item serves until a write based on it loses its condition; from then on, read.
      const item = (!fresh && this.remembered?.get(update.runId)) || (await this.readRun(update.runId));
      fresh = true;
      if (!item) throw new RunNotFoundError(`run ${update.runId} does not exist`);
      const current = strip<RunRecord>(item);
      const attemptStartedAt = typeof item.attemptStartedAt === "string" ? item.attemptStartedAt : undefined;
      const recording = recordingOf({ run: current, attemptStartedAt }, update);
      if (recording === "skip") return { applied: false, becameTerminal: false, run: current };
      const terminal = recording === "final";
      const next: RunRecord = {
        ...current,
        status: update.status,
        message:
          update.message ??
          (statusRank(update.status) > statusRank(current.status) ? undefined : current.message),
        startedAt: update.startedAt ?? current.startedAt,
        finishedAt: update.finishedAt ?? (terminal ? this.now().toISOString() : current.finishedAt),
        outputs: update.outputs ?? current.outputs,
        failedSteps: update.failedSteps ?? current.failedSteps,
        engine: { ...current.engine, ...update.engine },
      };
      const runPut = this.revisedPut(runItem(next, attemptOf(item)), item);
      if (!terminal) {
        await this.table.conditionalPut(runPut);
        this.remember(runPut.Item);
        return { applied: true, becameTerminal: false, previousStatus: current.status, run: next };
      }
      const stepItems = update.steps.map((s) => stepItem({ ...s, runId: update.runId }));
      await this.table.transact([
        { Put: runPut },
        // The one write spanning two ports: the completion outbox entry (dynamo-completion-outbox.ts) commits
        // with the terminal status, so no completion can be lost.
        { Put: { TableName: this.table.name, Item: outboxItem(update.runId, this.now().toISOString()) } },
        ...stepItems
          .slice(0, STEPS_IN_FINAL_TRANSACTION)
          .map((Item) => ({ Put: { TableName: this.table.name, Item } })),
      ]);
      this.remember(runPut.Item);
      await this.table.batchPut(stepItems.slice(STEPS_IN_FINAL_TRANSACTION), "steps");
      return { applied: true, becameTerminal: true, previousStatus: current.status, run: next };
    });
  }

  /**
   * Argo's retry runs the same workflow again: the terminal run becomes `Running` as a new attempt, and
   * snapshots of the earlier attempt (their `startedAt` precedes the retry's) are refused from then on, so a
   * late read of the old failure cannot close the new attempt.
   */
  async reopenRun(runId: string, options: { startedAt?: string } = {}): Promise<RunRecord> {
    return this.table.optimistic(`reopening run ${runId}`, async () => {
      const item = await this.readRun(runId);
      if (!item) throw new RunNotFoundError(`run ${runId} does not exist`);
      const current = strip<RunRecord>(item);
      if (!isTerminal(current.status)) return current;
      const startedAt = options.startedAt ?? this.now().toISOString();
      const next: RunRecord = {
        ...current,
        status: "Running",
        startedAt,
        finishedAt: undefined,
        message: undefined,
        failedSteps: undefined,
      };
      const attempt = {
        attempt: (typeof item.attempt === "number" ? item.attempt : 1) + 1,
        attemptStartedAt: startedAt,
      };
      const put = this.revisedPut(runItem(next, attempt), item);
      await this.table.conditionalPut(put);
      this.remember(put.Item);
      return next;
    });
  }

  async listSteps(runId: string): Promise<StepRecord[]> {
    return queries.listSteps(this.table, runId);
  }

  async queryStepsByTemplate(
    templateName: string,
    options: PageQuery & { phase?: string } = {},
  ): Promise<Page<StepRecord>> {
    return queries.queryStepsByTemplate(this.table, templateName, options);
  }

  async listActiveRuns(options: PageQuery = {}): Promise<Page<RunRecord>> {
    const page = await queries.listActiveRuns(this.table, options);
    // The table lists as active a run remembered as finished: the memory is wrong (DynamoDB Local killed with
    // SIGKILL loses writes it acknowledged) or ahead of the index. Forgotten, the run is read afresh when the sweep
    // applies its workflow; remembered, each of its snapshots would be skipped and the table never corrected.
    for (const run of page.items) {
      const remembered = this.remembered?.get(run.runId);
      if (remembered && isTerminal(strip<RunRecord>(remembered).status)) this.remembered?.delete(run.runId);
    }
    return page;
  }

  /** The run item, read consistently (and remembered). */
  private async readRun(runId: string): Promise<Item | undefined> {
    const item = await this.table.getItem(runPk(runId), SK_RUN);
    if (item) this.remember(item);
    else this.remembered?.delete(runId);
    return item;
  }

  private remember(item: Item): void {
    this.remembered?.set(String(item.runId), item);
  }

  /**
   * The run item's next revision, conditioned on the one read: every write of a run item goes through here,
   * so a write based on a stale read fails its condition and is retried from a fresh read.
   */
  private revisedPut(item: Item, read: Item) {
    const seen = read.revision;
    return {
      TableName: this.table.name,
      Item: { ...item, revision: (typeof seen === "number" ? seen : 0) + 1 },
      // Items written before revisions existed have none: they are at revision 0.
      ConditionExpression: typeof seen === "number" ? "revision = :seen" : "attribute_not_exists(revision)",
      ...(typeof seen === "number" ? { ExpressionAttributeValues: { ":seen": seen } } : {}),
    };
  }

  private async runForIdempotencyKey(key: string): Promise<RunRecord | undefined> {
    const item = await this.table.getItem(idempotencyPk(key), SK_IDEMPOTENCY);
    if (!item || (typeof item.expiresAt === "number" && item.expiresAt < this.now().getTime() / 1000)) {
      return undefined;
    }
    return this.getRun(String(item.runId));
  }
}

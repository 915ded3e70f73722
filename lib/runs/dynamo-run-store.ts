import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import type {
  Page,
  PendingCompletion,
  PipelineRecord,
  PipelineVersion,
  RunQuery,
  RunRecord,
  RunStatus,
  RunStore,
  StatusUpdate,
  StatusUpdateResult,
  StepRecord,
} from "../ports/run-store";
import { assertCursorFits, decodeCursor, encodeCursor, pageSize } from "./cursor";
import { ContentionError, InvalidRunInputError, RunNotFoundError, RunStoreError } from "./errors";
import {
  ALL_RUNS_PARTITION,
  idempotencyPk,
  LAYOUT_ATTRIBUTES,
  newestFirstKey,
  OUTBOX_PK,
  PARAM_PREFIX,
  PIPELINES_PARTITION,
  paramPartition,
  paramSk,
  pipelinePk,
  pipelineRunsPartition,
  runPk,
  SK_IDEMPOTENCY,
  SK_PIPELINE,
  SK_RUN,
  STEP_PREFIX,
  statusPartition,
  stepSk,
  templatePartition,
  VERSION_PREFIX,
  versionSk,
} from "./keys";
import { RecentEntries } from "./recent";
import { recordingOf } from "./recording";
import { isTerminal, statusRank } from "./status";
import { INDEX } from "./table";

type Item = Record<string, unknown>;

export interface DynamoRunStoreOptions {
  tableName: string;
  /** A DynamoDB client (plain or document). Default: a new `DynamoDBClient` from the environment. */
  client?: DynamoDBClient | DynamoDBDocumentClient;
  /** How long an idempotency key keeps returning the same run. Default: 24 hours. */
  idempotencyTtlSeconds?: number;
  /** Attempts of an optimistic write under contention before giving up. Default: 25. */
  maxAttempts?: number;
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

const defaults = {
  idempotencyTtlSeconds: 24 * 3600,
  maxAttempts: 25,
  rememberedRuns: 1000,
  now: () => new Date(),
};

/**
 * A transaction holds at most 100 items: the run item, the outbox entry when the run becomes terminal, and
 * steps; the rest go in batches of 25.
 */
const TRANSACTION_ITEMS = 100;
/** The terminal record's transaction: the run item, the outbox entry, and steps. */
const STEPS_IN_FINAL_TRANSACTION = TRANSACTION_ITEMS - 2;
const BATCH_WRITE_SIZE = 25;
const BATCH_GET_SIZE = 100;
/** Parameters indexed per run (each is one small item); requests are bounded well below this. */
export const MAX_PARAMETERS_PER_RUN = 1000;
const ACTIVE_STATUSES: RunStatus[] = ["Pending", "Running"];

/** `RunStore` on one DynamoDB table (layout in keys.ts). */
export class DynamoRunStore implements RunStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly options: Required<Omit<DynamoRunStoreOptions, "client">>;
  /** Run items as last read or written by this store (see `rememberedRuns`). */
  private readonly remembered: RecentEntries<string, Item> | undefined;

  constructor(options: DynamoRunStoreOptions) {
    this.options = { ...defaults, ...options };
    this.remembered =
      this.options.rememberedRuns > 0 ? new RecentEntries(this.options.rememberedRuns) : undefined;
    this.table = options.tableName;
    const client = options.client ?? new DynamoDBClient({});
    this.doc =
      client instanceof DynamoDBDocumentClient
        ? client
        : DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  // ---- pipelines and versions ------------------------------------------------------------------

  async recordVersion(
    input: Omit<PipelineVersion, "version">,
  ): Promise<{ version: PipelineVersion; created: boolean }> {
    return this.optimistic(`recording a version of pipeline ${input.pipeline}`, async () => {
      const current = await this.getItem(pipelinePk(input.pipeline), SK_PIPELINE);
      if (current && current.latestHash === input.contentHash && typeof current.latestVersion === "string") {
        const existing = await this.getVersion(input.pipeline, current.latestVersion);
        if (existing) return { version: existing, created: false };
      }
      const previousCount = typeof current?.versionCount === "number" ? current.versionCount : 0;
      const n = previousCount + 1;
      const version: PipelineVersion = { ...input, version: `v${n}` };
      const pipeline: PipelineRecord = {
        name: input.pipeline,
        latestVersion: version.version,
        latestGoodVersion: input.ok ? version.version : (current?.latestGoodVersion as string | undefined),
        lastBuild: {
          version: version.version,
          ok: input.ok,
          diagnostics: input.diagnostics,
          at: input.createdAt,
        },
        updatedAt: input.createdAt,
      };
      await this.transact(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...pipeline,
                  pk: pipelinePk(input.pipeline),
                  sk: SK_PIPELINE,
                  kind: "pipeline",
                  gsi1pk: PIPELINES_PARTITION,
                  gsi1sk: input.pipeline,
                  versionCount: n,
                  latestHash: input.contentHash,
                },
                ConditionExpression: current ? "versionCount = :prev" : "attribute_not_exists(pk)",
                ExpressionAttributeValues: current ? { ":prev": previousCount } : undefined,
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: { ...version, pk: pipelinePk(input.pipeline), sk: versionSk(n), kind: "version" },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
      return { version, created: true };
    });
  }

  async getPipeline(name: string): Promise<PipelineRecord | undefined> {
    const item = await this.getItem(pipelinePk(name), SK_PIPELINE);
    return item ? strip<PipelineRecord>(item) : undefined;
  }

  async listPipelines(options: { limit?: number; cursor?: string } = {}): Promise<Page<PipelineRecord>> {
    return this.page<PipelineRecord>(
      {
        IndexName: INDEX.pipelineRuns,
        KeyConditionExpression: "gsi1pk = :p",
        ExpressionAttributeValues: { ":p": PIPELINES_PARTITION },
      },
      options,
    );
  }

  async listVersions(
    name: string,
    options: { limit?: number; cursor?: string } = {},
  ): Promise<Page<PipelineVersion>> {
    return this.page<PipelineVersion>(
      {
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :v)",
        ExpressionAttributeValues: { ":pk": pipelinePk(name), ":v": VERSION_PREFIX },
        ScanIndexForward: false,
      },
      options,
    );
  }

  async getVersion(name: string, version: string): Promise<PipelineVersion | undefined> {
    const n = /^v([1-9][0-9]{0,7})$/.exec(version);
    if (!n) return undefined;
    const item = await this.getItem(pipelinePk(name), versionSk(Number(n[1])));
    return item ? strip<PipelineVersion>(item) : undefined;
  }

  // ---- runs ----------------------------------------------------------------------------------

  async createRun(run: RunRecord): Promise<{ run: RunRecord; created: boolean }> {
    const parameters = Object.entries(run.parameters);
    if (parameters.length > MAX_PARAMETERS_PER_RUN) {
      throw new InvalidRunInputError(
        `parameters: at most ${MAX_PARAMETERS_PER_RUN} parameters per run, got ${parameters.length}`,
        "parameters",
      );
    }
    const order = newestFirstKey(run.createdAt, run.runId);
    const parameterItems: Item[] = parameters.map(([name, value]) => ({
      pk: runPk(run.runId),
      sk: paramSk(name),
      kind: "parameter",
      runId: run.runId,
      pipeline: run.pipeline,
      name,
      gsi3pk: paramPartition(name, value),
      gsi3sk: order,
    }));
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]> = [
      {
        Put: {
          TableName: this.table,
          Item: { ...this.runItem(run), revision: 1 },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
    ];
    const key = run.idempotencyKey;
    if (key !== undefined) {
      const nowSeconds = Math.floor(this.options.now().getTime() / 1000);
      items.push({
        Put: {
          TableName: this.table,
          Item: {
            pk: idempotencyPk(key),
            sk: SK_IDEMPOTENCY,
            kind: "idempotency",
            runId: run.runId,
            expiresAt: nowSeconds + this.options.idempotencyTtlSeconds,
          },
          ConditionExpression: "attribute_not_exists(pk) OR expiresAt < :now",
          ExpressionAttributeValues: { ":now": nowSeconds },
        },
      });
    }
    // Index entries fill the transaction; any beyond its 100 items follow in batches once the run exists.
    const inTransaction = TRANSACTION_ITEMS - items.length;
    for (const Item of parameterItems.slice(0, inTransaction))
      items.push({ Put: { TableName: this.table, Item } });
    const created = await this.optimistic(`creating run ${run.runId}`, async () => {
      if (key !== undefined) {
        const existing = await this.runForIdempotencyKey(key);
        if (existing) return { run: existing, created: false };
      }
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
        return { run, created: true };
      } catch (error) {
        const reasons = cancellationCodes(error);
        if (!reasons || !retryable(reasons)) throw error;
        if (reasons[0] === "ConditionalCheckFailed") {
          const existing = await this.getRun(run.runId);
          if (existing) return { run: existing, created: false };
        }
        // Lost to a concurrent identical request (or a transient conflict): look again.
        throw new RetryableConflict();
      }
    });
    if (created.created) await this.batchWrite(parameterItems.slice(inTransaction));
    return created;
  }

  async discardRun(runId: string): Promise<boolean> {
    const item = await this.readRun(runId);
    if (item?.status !== "Pending") return false;
    const key = typeof item.idempotencyKey === "string" ? item.idempotencyKey : undefined;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table,
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
                      TableName: this.table,
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
    // entries a crash leaves here are invisible.
    const entries = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues: { ":pk": runPk(runId), ":p": PARAM_PREFIX },
        ConsistentRead: true,
      }),
    );
    const keys = (entries.Items ?? []).map((i) => ({ pk: i.pk, sk: i.sk }));
    for (let i = 0; i < keys.length; i += BATCH_WRITE_SIZE) {
      let requests: Array<{ DeleteRequest?: { Key: Item } }> | undefined = keys
        .slice(i, i + BATCH_WRITE_SIZE)
        .map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 0; requests?.length && attempt < this.options.maxAttempts; attempt++) {
        if (attempt > 0) await backoff(attempt);
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
        requests = out.UnprocessedItems?.[this.table] as typeof requests;
      }
    }
    return true;
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const item = await this.getItem(runPk(runId), SK_RUN);
    return item ? strip<RunRecord>(item) : undefined;
  }

  async queryRuns(query: RunQuery): Promise<Page<RunRecord>> {
    const limit = pageSize(query.limit);
    const start = query.cursor ? decodeCursor(query.cursor).key : undefined;
    if (query.param) {
      const filters: string[] = [];
      const values: Item = { ":p": paramPartition(query.param.name, query.param.value) };
      if (query.pipeline) {
        filters.push("pipeline = :pipeline");
        values[":pipeline"] = query.pipeline;
      }
      return this.collect<RunRecord>(
        {
          IndexName: INDEX.search,
          KeyConditionExpression: "gsi3pk = :p",
          FilterExpression: filters.length ? filters.join(" AND ") : undefined,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
        },
        limit,
        start,
        async (hits) => {
          const runs = await this.batchGetRuns(hits.map((h) => String(h.runId)));
          return runs.filter((r) => !query.status || r.status === query.status);
        },
      );
    }
    if (query.pipeline) {
      return this.collect<RunRecord>(
        {
          IndexName: INDEX.pipelineRuns,
          KeyConditionExpression: "gsi1pk = :p",
          FilterExpression: query.status ? "#status = :status" : undefined,
          ExpressionAttributeNames: query.status ? { "#status": "status" } : undefined,
          ExpressionAttributeValues: {
            ":p": pipelineRunsPartition(query.pipeline),
            ...(query.status ? { ":status": query.status } : {}),
          },
          ScanIndexForward: false,
        },
        limit,
        start,
      );
    }
    if (query.status) {
      return this.collect<RunRecord>(
        {
          IndexName: INDEX.status,
          KeyConditionExpression: "gsi2pk = :p",
          ExpressionAttributeValues: { ":p": statusPartition(query.status) },
          ScanIndexForward: false,
        },
        limit,
        start,
      );
    }
    return this.collect<RunRecord>(
      {
        IndexName: INDEX.allRuns,
        KeyConditionExpression: "gsi4pk = :p",
        ExpressionAttributeValues: { ":p": ALL_RUNS_PARTITION },
        ScanIndexForward: false,
      },
      limit,
      start,
    );
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
    return this.optimistic(`updating run ${update.runId}`, async () => {
      // A remembered item serves until a write based on it loses its condition; from then on, read.
      const item = (!fresh && this.remembered?.get(update.runId)) || (await this.readRun(update.runId));
      fresh = true;
      if (!item) throw new RunNotFoundError(`run ${update.runId} does not exist`);
      const current = strip<RunRecord>(item);
      const recording = recordingOf(
        { run: current, attemptStartedAt: stringOr(item.attemptStartedAt) },
        update,
      );
      if (recording === "skip") return { applied: false, becameTerminal: false, run: current };
      const terminal = recording === "final";
      const next: RunRecord = {
        ...current,
        status: update.status,
        message:
          update.message ??
          (statusRank(update.status) > statusRank(current.status) ? undefined : current.message),
        startedAt: update.startedAt ?? current.startedAt,
        finishedAt: update.finishedAt ?? (terminal ? this.options.now().toISOString() : current.finishedAt),
        outputs: update.outputs ?? current.outputs,
        failedSteps: update.failedSteps ?? current.failedSteps,
        engine: { ...current.engine, ...update.engine },
      };
      const runPut = this.revisedPut(this.runItem(next, attemptOf(item)), item);
      if (!terminal) {
        await this.conditionalPut(runPut);
        this.remember(runPut.Item);
        return { applied: true, becameTerminal: false, previousStatus: current.status, run: next };
      }
      const stepItems = update.steps.map((s) => this.stepItem({ ...s, runId: update.runId }));
      await this.transact(
        new TransactWriteCommand({
          TransactItems: [
            { Put: runPut },
            // The completion outbox entry commits with the terminal status, so no completion can be lost.
            { Put: { TableName: this.table, Item: this.outboxItem(update.runId) } },
            ...stepItems
              .slice(0, STEPS_IN_FINAL_TRANSACTION)
              .map((Item) => ({ Put: { TableName: this.table, Item } })),
          ],
        }),
      );
      this.remember(runPut.Item);
      await this.batchWrite(stepItems.slice(STEPS_IN_FINAL_TRANSACTION));
      return { applied: true, becameTerminal: true, previousStatus: current.status, run: next };
    });
  }

  /**
   * Argo's retry runs the same workflow again: the terminal run becomes `Running` as a new attempt, and
   * snapshots of the earlier attempt (their `startedAt` precedes the retry's) are refused from then on, so a
   * late read of the old failure cannot close the new attempt.
   */
  async reopenRun(runId: string, options: { startedAt?: string } = {}): Promise<RunRecord> {
    return this.optimistic(`reopening run ${runId}`, async () => {
      const item = await this.readRun(runId);
      if (!item) throw new RunNotFoundError(`run ${runId} does not exist`);
      const current = strip<RunRecord>(item);
      if (!isTerminal(current.status)) return current;
      const startedAt = options.startedAt ?? this.options.now().toISOString();
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
      const put = this.revisedPut(this.runItem(next, attempt), item);
      await this.conditionalPut(put);
      this.remember(put.Item);
      return next;
    });
  }

  async listSteps(runId: string): Promise<StepRecord[]> {
    const steps: StepRecord[] = [];
    let key: Item | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :s)",
          ExpressionAttributeValues: { ":pk": runPk(runId), ":s": STEP_PREFIX },
          ExclusiveStartKey: key,
          ConsistentRead: true,
        }),
      );
      for (const item of out.Items ?? []) steps.push(strip<StepRecord>(item));
      key = out.LastEvaluatedKey;
    } while (key);
    return steps;
  }

  async queryStepsByTemplate(
    templateName: string,
    options: { phase?: string; limit?: number; cursor?: string } = {},
  ): Promise<Page<StepRecord>> {
    return this.page<StepRecord>(
      {
        IndexName: INDEX.search,
        KeyConditionExpression: options.phase ? "gsi3pk = :t AND begins_with(gsi3sk, :phase)" : "gsi3pk = :t",
        ExpressionAttributeValues: {
          ":t": templatePartition(templateName),
          ...(options.phase ? { ":phase": `${options.phase}#` } : {}),
        },
        ScanIndexForward: false,
      },
      options,
    );
  }

  async listActiveRuns(options: { limit?: number; cursor?: string } = {}): Promise<Page<RunRecord>> {
    const limit = pageSize(options.limit);
    const state = options.cursor ? decodeCursor(options.cursor) : { part: 0, key: undefined };
    const items: RunRecord[] = [];
    for (let part = state.part ?? 0; part < ACTIVE_STATUSES.length; part++) {
      const start = part === state.part && state.key && Object.keys(state.key).length ? state.key : undefined;
      const page = await this.collect<RunRecord>(
        {
          IndexName: INDEX.status,
          KeyConditionExpression: "gsi2pk = :p",
          ExpressionAttributeValues: { ":p": statusPartition(ACTIVE_STATUSES[part]) },
        },
        limit - items.length,
        start,
      );
      items.push(...page.items);
      if (page.cursor) return { items, cursor: encodeCursor({ part, key: decodeCursor(page.cursor).key }) };
      if (items.length >= limit && part + 1 < ACTIVE_STATUSES.length) {
        return { items, cursor: encodeCursor({ part: part + 1, key: {} }) };
      }
    }
    return { items };
  }

  async listPendingCompletions(
    options: { limit?: number; cursor?: string } = {},
  ): Promise<Page<PendingCompletion>> {
    const limit = pageSize(options.limit);
    return this.collect<PendingCompletion>(
      {
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": OUTBOX_PK },
        ConsistentRead: true,
      },
      limit,
      options.cursor ? decodeCursor(options.cursor).key : undefined,
      async (entries) => {
        const runs = await this.batchGetRuns(entries.map((e) => String(e.runId)));
        const since = new Map(entries.map((e) => [String(e.runId), String(e.since)]));
        return runs.map((run) => ({ run, since: since.get(run.runId) ?? run.finishedAt ?? run.createdAt }));
      },
    );
  }

  async markCompletionPublished(runId: string): Promise<void> {
    try {
      await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: OUTBOX_PK, sk: runId } }));
    } catch (error) {
      throw new RunStoreError(
        `marking the completion of run ${runId} published: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private runItem(run: RunRecord, attempt: Item = {}): Item {
    const order = newestFirstKey(run.createdAt, run.runId);
    return {
      ...run,
      ...attempt,
      pk: runPk(run.runId),
      sk: SK_RUN,
      kind: "run",
      statusRank: statusRank(run.status),
      gsi1pk: pipelineRunsPartition(run.pipeline),
      gsi1sk: order,
      gsi2pk: statusPartition(run.status),
      gsi2sk: order,
      gsi4pk: ALL_RUNS_PARTITION,
      gsi4sk: order,
    };
  }

  /** The run item, read consistently (and remembered). */
  private async readRun(runId: string): Promise<Item | undefined> {
    const item = await this.getItem(runPk(runId), SK_RUN);
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
      TableName: this.table,
      Item: { ...item, revision: (typeof seen === "number" ? seen : 0) + 1 },
      // Items written before revisions existed have none: they are at revision 0.
      ConditionExpression: typeof seen === "number" ? "revision = :seen" : "attribute_not_exists(revision)",
      ...(typeof seen === "number" ? { ExpressionAttributeValues: { ":seen": seen } } : {}),
    };
  }

  /** One conditional write of a run item; a failed condition is a lost race, retried by `optimistic`. */
  private async conditionalPut(input: ConstructorParameters<typeof PutCommand>[0]): Promise<void> {
    try {
      await this.doc.send(new PutCommand(input));
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") throw new RetryableConflict();
      throw error;
    }
  }

  private outboxItem(runId: string): Item {
    return { pk: OUTBOX_PK, sk: runId, kind: "outbox", runId, since: this.options.now().toISOString() };
  }

  private stepItem(step: StepRecord): Item {
    return {
      ...step,
      pk: runPk(step.runId),
      sk: stepSk(step.stepId),
      kind: "step",
      ...(step.templateName
        ? {
            gsi3pk: templatePartition(step.templateName),
            gsi3sk: `${step.phase}#${step.startedAt ?? ""}#${step.runId}#${step.stepId}`,
          }
        : {}),
    };
  }

  private async runForIdempotencyKey(key: string): Promise<RunRecord | undefined> {
    const item = await this.getItem(idempotencyPk(key), SK_IDEMPOTENCY);
    if (
      !item ||
      (typeof item.expiresAt === "number" && item.expiresAt < this.options.now().getTime() / 1000)
    ) {
      return undefined;
    }
    return this.getRun(String(item.runId));
  }

  private async getItem(pk: string, sk: string): Promise<Item | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk, sk }, ConsistentRead: true }),
    );
    return out.Item;
  }

  private async batchGetRuns(runIds: string[]): Promise<RunRecord[]> {
    const found = new Map<string, RunRecord>();
    for (let i = 0; i < runIds.length; i += BATCH_GET_SIZE) {
      let keys: Item[] | undefined = runIds
        .slice(i, i + BATCH_GET_SIZE)
        .map((id) => ({ pk: runPk(id), sk: SK_RUN }));
      for (let attempt = 0; keys?.length; attempt++) {
        if (attempt > 0) await backoff(attempt);
        const out: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of out.Responses?.[this.table] ?? [])
          found.set(String(item.runId), strip<RunRecord>(item));
        keys = out.UnprocessedKeys?.[this.table]?.Keys;
        if (attempt >= this.options.maxAttempts)
          throw new ContentionError("reading runs: keys left unprocessed");
      }
    }
    return runIds.flatMap((id) => {
      const run = found.get(id);
      return run ? [run] : [];
    });
  }

  private async batchWrite(items: Item[]): Promise<void> {
    for (let i = 0; i < items.length; i += BATCH_WRITE_SIZE) {
      let requests: Array<{ PutRequest?: { Item: Item } }> | undefined = items
        .slice(i, i + BATCH_WRITE_SIZE)
        .map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests?.length; attempt++) {
        if (attempt > 0) await backoff(attempt);
        if (attempt >= this.options.maxAttempts)
          throw new ContentionError("writing steps: items left unprocessed");
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
        requests = out.UnprocessedItems?.[this.table] as typeof requests;
      }
    }
  }

  /** A query page without filters: DynamoDB's own page, with an opaque cursor. */
  private async page<T>(
    input: Omit<QueryCommandInput, "TableName">,
    options: { limit?: number; cursor?: string },
  ): Promise<Page<T>> {
    const limit = pageSize(options.limit);
    return this.collect<T>(input, limit, options.cursor ? decodeCursor(options.cursor).key : undefined);
  }

  /**
   * Queries until `limit` records are collected or the index is exhausted. Each request asks for at most the
   * records still missing, so nothing read is skipped and the cursor resumes exactly after the last one.
   */
  private async collect<T>(
    input: Omit<QueryCommandInput, "TableName">,
    limit: number,
    start: Item | undefined,
    transform: (items: Item[]) => Promise<T[]> = async (items) => items.map((i) => strip<T>(i)),
  ): Promise<Page<T>> {
    const items: T[] = [];
    if (start) assertCursorFits(start, input);
    let key = start;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          ...input,
          TableName: this.table,
          Limit: limit - items.length,
          ExclusiveStartKey: key,
        }),
      );
      items.push(...(await transform(out.Items ?? [])));
      key = out.LastEvaluatedKey;
    } while (key && items.length < limit);
    return key ? { items, cursor: encodeCursor({ key }) } : { items };
  }

  /** A transaction whose lost races (conditions, conflicts) are retried by `optimistic`. */
  private async transact(command: TransactWriteCommand): Promise<void> {
    try {
      await this.doc.send(command);
    } catch (error) {
      const reasons = cancellationCodes(error);
      if (reasons && retryable(reasons)) throw new RetryableConflict();
      throw error;
    }
  }

  private async optimistic<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof RetryableConflict)) {
          if (error instanceof RunStoreError) throw error;
          throw new RunStoreError(`${what}: ${(error as Error).message}`, { cause: error });
        }
        if (i + 1 >= this.options.maxAttempts) {
          throw new ContentionError(`${what}: still conflicting after ${i + 1} attempts`, { cause: error });
        }
        await backoff(i + 1);
      }
    }
  }
}

/** Signals a lost optimistic race: the attempt is repeated from a fresh read. */
class RetryableConflict extends Error {}

function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === "TransactionConflictException") return ["TransactionConflict"];
  if (error.name !== "TransactionCanceledException") return undefined;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code ?? "None");
}

/** The attempt bookkeeping of a run item (set by reopenRun), carried over by every later write. */
function attemptOf(item: Item): Item {
  return item.attempt === undefined ? {} : { attempt: item.attempt, attemptStartedAt: item.attemptStartedAt };
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Lost races and conflicts are retried; any other cancellation (validation, size) is a real error. */
function retryable(codes: string[]): boolean {
  return codes.every((c) => c === "None" || c === "ConditionalCheckFailed" || c === "TransactionConflict");
}

function strip<T>(item: Item): T {
  const copy: Item = { ...item };
  for (const attribute of LAYOUT_ATTRIBUTES) delete copy[attribute];
  return copy as T;
}

function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(1000, 10 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

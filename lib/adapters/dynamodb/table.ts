import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Page, PageQuery } from "../../ports/page";
import { ContentionError, RunStoreError } from "../../runs/errors";
import { assertCursorFits, decodeCursor, encodeCursor, pageSize } from "./cursor";
import { LAYOUT_ATTRIBUTES } from "./keys";

export type Item = Record<string, unknown>;
export type TransactItems = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]
>;
export type WriteRequest = { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } };

export interface DynamoTableOptions {
  tableName: string;
  /** A DynamoDB client (plain or document). Default: a new `DynamoDBClient` from the environment. */
  client?: DynamoDBClient | DynamoDBDocumentClient;
  /** Attempts of an optimistic write under contention before giving up. Default: 25. */
  maxAttempts?: number;
}

/** A transaction holds at most 100 items; the rest of a write goes in batches. */
export const TRANSACTION_ITEMS = 100;
const BATCH_WRITE_SIZE = 25;
const BATCH_GET_SIZE = 100;

/**
 * The single table's low-level primitives, shared by the stores on it (dynamo-pipeline-store.ts,
 * run-store.ts, completion-outbox.ts): consistent reads, paginated queries with opaque cursors,
 * batches that retry their unprocessed part, and optimistic writes retried from a fresh read.
 */
export class DynamoTable {
  readonly doc: DynamoDBDocumentClient;
  readonly name: string;
  readonly maxAttempts: number;

  constructor(options: DynamoTableOptions) {
    this.name = options.tableName;
    this.maxAttempts = options.maxAttempts ?? 25;
    const client = options.client ?? new DynamoDBClient({});
    this.doc =
      client instanceof DynamoDBDocumentClient
        ? client
        : DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async getItem(pk: string, sk: string): Promise<Item | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.name, Key: { pk, sk }, ConsistentRead: true }),
    );
    return out.Item;
  }

  /**
   * The items found under `keys`, read consistently (missing ones are left out, order is not kept);
   * `projection` reads only the attributes named.
   */
  async batchGet(keys: Item[], what: string, projection?: string[]): Promise<Item[]> {
    const project = projection
      ? {
          ProjectionExpression: projection.map((_, i) => `#p${i}`).join(", "),
          ExpressionAttributeNames: Object.fromEntries(projection.map((name, i) => [`#p${i}`, name])),
        }
      : {};
    const found: Item[] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_SIZE) {
      let pending: Item[] | undefined = keys.slice(i, i + BATCH_GET_SIZE);
      for (let attempt = 0; pending?.length; attempt++) {
        if (attempt > 0) await backoff(attempt);
        const out: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({
            RequestItems: { [this.name]: { Keys: pending, ConsistentRead: true, ...project } },
          }),
        );
        found.push(...(out.Responses?.[this.name] ?? []));
        pending = out.UnprocessedKeys?.[this.name]?.Keys;
        if (attempt >= this.maxAttempts) throw new ContentionError(`${what}: keys left unprocessed`);
      }
    }
    return found;
  }

  /** Batches of puts or deletes, each retried for its unprocessed part; returns what is still unprocessed. */
  async batchWrite(requests: WriteRequest[]): Promise<WriteRequest[]> {
    const left: WriteRequest[] = [];
    for (let i = 0; i < requests.length; i += BATCH_WRITE_SIZE) {
      let pending: WriteRequest[] | undefined = requests.slice(i, i + BATCH_WRITE_SIZE);
      for (let attempt = 0; pending?.length && attempt < this.maxAttempts; attempt++) {
        if (attempt > 0) await backoff(attempt);
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.name]: pending } }));
        pending = out.UnprocessedItems?.[this.name] as WriteRequest[] | undefined;
      }
      left.push(...(pending ?? []));
    }
    return left;
  }

  /** Puts `items` in batches; `what` names them in the error when some stay unprocessed. */
  async batchPut(items: Item[], what: string): Promise<void> {
    const left = await this.batchWrite(items.map((Item) => ({ PutRequest: { Item } })));
    if (left.length) throw new ContentionError(`writing ${what}: items left unprocessed`);
  }

  /** A query page without filters: DynamoDB's own page, with an opaque cursor. */
  async page<T>(input: Omit<QueryCommandInput, "TableName">, options: PageQuery): Promise<Page<T>> {
    const limit = pageSize(options.limit);
    return this.collect<T>(input, limit, options.cursor ? decodeCursor(options.cursor).key : undefined);
  }

  /**
   * Queries until `limit` records are collected or the index is exhausted. Each request asks for at most the
   * records still missing, so nothing read is skipped and the cursor resumes exactly after the last one.
   */
  async collect<T>(
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
          TableName: this.name,
          Limit: limit - items.length,
          ExclusiveStartKey: key,
        }),
      );
      items.push(...(await transform(out.Items ?? [])));
      key = out.LastEvaluatedKey;
    } while (key && items.length < limit);
    return key ? { items, cursor: encodeCursor({ key }) } : { items };
  }

  /** How many items a query matches (`Select: COUNT`, every page: DynamoDB counts at most 1 MB read per page). */
  async count(input: Omit<QueryCommandInput, "TableName" | "Select">): Promise<number> {
    let total = 0;
    let key: Item | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({ ...input, TableName: this.name, Select: "COUNT", ExclusiveStartKey: key }),
      );
      total += out.Count ?? 0;
      key = out.LastEvaluatedKey;
    } while (key);
    return total;
  }

  /** Every item a query matches, over all its pages (for queries that project a few attributes). */
  async queryAll(input: Omit<QueryCommandInput, "TableName">): Promise<Item[]> {
    const items: Item[] = [];
    let key: Item | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({ ...input, TableName: this.name, ExclusiveStartKey: key }),
      );
      items.push(...(out.Items ?? []));
      key = out.LastEvaluatedKey;
    } while (key);
    return items;
  }

  /** Every item of a partition whose sort key begins with `prefix`, read consistently. */
  async partition(pk: string, prefix: string): Promise<Item[]> {
    const items: Item[] = [];
    let key: Item | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.name,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": pk, ":prefix": prefix },
          ExclusiveStartKey: key,
          ConsistentRead: true,
        }),
      );
      items.push(...(out.Items ?? []));
      key = out.LastEvaluatedKey;
    } while (key);
    return items;
  }

  /** A transaction whose lost races (conditions, conflicts) are retried by `optimistic`. */
  async transact(items: TransactItems): Promise<void> {
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const reasons = cancellationCodes(error);
      if (reasons && retryable(reasons)) throw new RetryableConflict(reasons);
      throw error;
    }
  }

  /** One conditional write; a failed condition is a lost race, retried by `optimistic`. */
  async conditionalPut(input: ConstructorParameters<typeof PutCommand>[0]): Promise<void> {
    try {
      await this.doc.send(new PutCommand(input));
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") throw new RetryableConflict();
      throw error;
    }
  }

  /** Runs `attempt` until it wins its race (no `RetryableConflict`); other errors are wrapped, naming `what`. */
  async optimistic<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof RetryableConflict)) {
          if (error instanceof RunStoreError) throw error;
          throw new RunStoreError(`${what}: ${(error as Error).message}`, { cause: error });
        }
        if (i + 1 >= this.maxAttempts) {
          throw new ContentionError(`${what}: still conflicting after ${i + 1} attempts`, { cause: error });
        }
        await backoff(i + 1);
      }
    }
  }
}

/** Signals a lost optimistic race: the attempt is repeated from a fresh read. */
export class RetryableConflict extends Error {
  /** A cancelled transaction's reasons, one per item in order. */
  constructor(readonly reasons: string[] = []) {
    super("lost an optimistic race");
  }
}

/** The reasons a transaction was cancelled, or undefined when `error` is no cancellation. */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === "TransactionConflictException") return ["TransactionConflict"];
  if (error.name !== "TransactionCanceledException") return undefined;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code ?? "None");
}

/** Lost races and conflicts are retried; any other cancellation (validation, size) is a real error. */
export function retryable(codes: string[]): boolean {
  return codes.every((c) => c === "None" || c === "ConditionalCheckFailed" || c === "TransactionConflict");
}

/** The record an item holds, without the layout's attributes. */
export function strip<T>(item: Item): T {
  const copy: Item = { ...item };
  for (const attribute of LAYOUT_ATTRIBUTES) delete copy[attribute];
  return copy as T;
}

function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(1000, 10 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Page, PageQuery } from "../../ports/page";
import { type ScheduleRecord, type ScheduleStore, versionNumber } from "../../ports/schedule-store";
import { RunStoreError } from "../../runs/errors";
import { SCHEDULES_PARTITION, SK_SCHEDULE, schedulePk } from "./keys";
import { DynamoTable, type DynamoTableOptions, type Item, strip } from "./table";
import { INDEX } from "./table-definition";

/** `ScheduleStore` on the single DynamoDB table (layout in keys.ts). */
export class DynamoScheduleStore implements ScheduleStore {
  private readonly table: DynamoTable;

  constructor(options: DynamoTableOptions) {
    this.table = new DynamoTable(options);
  }

  async get(pipeline: string): Promise<ScheduleRecord | undefined> {
    const item = await this.table.getItem(schedulePk(pipeline), SK_SCHEDULE);
    return item ? fromItem(item) : undefined;
  }

  async list(options: PageQuery = {}): Promise<Page<ScheduleRecord>> {
    const page = await this.table.page<Item>(
      {
        IndexName: INDEX.pipelineRuns,
        KeyConditionExpression: "gsi1pk = :p",
        ExpressionAttributeValues: { ":p": SCHEDULES_PARTITION },
      },
      options,
    );
    // The index projects every attribute: its items are whole records.
    return { ...page, items: page.items.map(fromItem) };
  }

  async install(record: Omit<ScheduleRecord, "revision">): Promise<boolean> {
    return this.put(
      { ...record, revision: 1 },
      "attribute_not_exists(pk) OR versionNumber < :n",
      { ":n": versionNumber(record.version) },
      `installing the schedule of ${record.pipeline}`,
    );
  }

  async remove(pipeline: string, version: string): Promise<void> {
    try {
      await this.table.doc.send(
        new DeleteCommand({
          TableName: this.table.name,
          Key: { pk: schedulePk(pipeline), sk: SK_SCHEDULE },
          ConditionExpression: "versionNumber <= :n",
          ExpressionAttributeValues: { ":n": versionNumber(version) },
        }),
      );
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return;
      throw new RunStoreError(`removing the schedule of ${pipeline}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async update(record: ScheduleRecord): Promise<boolean> {
    return this.put(
      { ...record, revision: record.revision + 1 },
      "scheduleRevision = :r",
      { ":r": record.revision },
      `updating the schedule of ${record.pipeline}`,
    );
  }

  private async put(
    record: ScheduleRecord,
    condition: string,
    values: Record<string, unknown>,
    what: string,
  ): Promise<boolean> {
    const { revision, ...rest } = record;
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: {
            ...rest,
            pk: schedulePk(record.pipeline),
            sk: SK_SCHEDULE,
            kind: "schedule",
            gsi1pk: SCHEDULES_PARTITION,
            gsi1sk: record.pipeline,
            versionNumber: versionNumber(record.version),
            scheduleRevision: revision,
          },
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return false;
      throw new RunStoreError(`${what}: ${(error as Error).message}`, { cause: error });
    }
  }
}

function fromItem(item: Item): ScheduleRecord {
  const { versionNumber: _n, scheduleRevision, ...rest } = strip<Record<string, unknown>>(item);
  return { ...(rest as unknown as ScheduleRecord), revision: Number(scheduleRevision) };
}

import type { Page, PageQuery } from "../../ports/page";
import type { RunQuery, RunRecord, RunStatus, StepRecord } from "../../ports/run-store";
import { decodeCursor, encodeCursor, pageSize } from "./cursor";
import {
  ALL_RUNS_PARTITION,
  paramPartition,
  pipelineRunsPartition,
  runPk,
  STEP_PREFIX,
  statusPartition,
  templatePartition,
} from "./keys";
import { readRuns } from "./run-items";
import { type DynamoTable, type Item, strip } from "./table";
import { INDEX } from "./table-definition";

/** The run store's reads through the table's indexes (`DynamoRunStore` answers its queries here). */

const ACTIVE_STATUSES: RunStatus[] = ["Pending", "Running"];

/** Newest first, through the index that fits the query best (parameter, pipeline, status, or all runs). */
export async function queryRuns(table: DynamoTable, query: RunQuery): Promise<Page<RunRecord>> {
  const limit = pageSize(query.limit);
  const start = query.cursor ? decodeCursor(query.cursor).key : undefined;
  if (query.param) {
    const filters: string[] = [];
    const values: Item = { ":p": paramPartition(query.param.name, query.param.value) };
    if (query.pipeline) {
      filters.push("pipeline = :pipeline");
      values[":pipeline"] = query.pipeline;
    }
    return table.collect<RunRecord>(
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
        const runs = await readRuns(
          table,
          hits.map((h) => String(h.runId)),
        );
        return runs.filter((r) => !query.status || r.status === query.status);
      },
    );
  }
  if (query.pipeline) {
    return table.collect<RunRecord>(
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
    return table.collect<RunRecord>(
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
  return table.collect<RunRecord>(
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

/** Runs not yet terminal: the `Pending` partition, then the `Running` one, under one cursor. */
export async function listActiveRuns(table: DynamoTable, options: PageQuery): Promise<Page<RunRecord>> {
  const limit = pageSize(options.limit);
  const state = options.cursor ? decodeCursor(options.cursor) : { part: 0, key: undefined };
  const items: RunRecord[] = [];
  for (let part = state.part ?? 0; part < ACTIVE_STATUSES.length; part++) {
    const start = part === state.part && state.key && Object.keys(state.key).length ? state.key : undefined;
    const page = await table.collect<RunRecord>(
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

export async function listSteps(table: DynamoTable, runId: string): Promise<StepRecord[]> {
  return (await table.partition(runPk(runId), STEP_PREFIX)).map((item) => strip<StepRecord>(item));
}

export async function queryStepsByTemplate(
  table: DynamoTable,
  templateName: string,
  options: PageQuery & { phase?: string },
): Promise<Page<StepRecord>> {
  return table.page<StepRecord>(
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

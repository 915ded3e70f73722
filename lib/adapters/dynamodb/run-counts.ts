import { RUN_STATUSES, type RunCountQuery, type RunCounts, type RunStatus } from "../../ports/run-store";
import { paramPartition, pipelineRunsPartition, statusPartition } from "./keys";
import { readStatuses } from "./run-items";
import type { DynamoTable, Item } from "./table";
import { INDEX } from "./table-definition";

/**
 * Runs per status, read through the index that fits the filters. No scan: the cost grows with the runs that
 * match (and `since` narrows them on the sort key, `<createdAt>#<runId>`), never with the table.
 * - no filter: one `Select: COUNT` query per status partition (nothing but counts crosses the wire);
 * - a pipeline: one pass over its runs' partition, reading only `status` (one read, not one per status);
 * - a parameter value: its search entries, then the statuses of those runs (entries carry no status).
 */
export async function countRuns(table: DynamoTable, query: RunCountQuery): Promise<RunCounts> {
  const counts = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as RunCounts;
  const since = query.since ? { ":since": query.since } : {};
  if (query.param) {
    const entries = await table.queryAll({
      IndexName: INDEX.search,
      KeyConditionExpression: `gsi3pk = :p${query.since ? " AND gsi3sk >= :since" : ""}`,
      FilterExpression: query.pipeline ? "pipeline = :pipeline" : undefined,
      ExpressionAttributeValues: {
        ":p": paramPartition(query.param.name, query.param.value),
        ...since,
        ...(query.pipeline ? { ":pipeline": query.pipeline } : {}),
      },
      ProjectionExpression: "runId",
    });
    tally(counts, await readStatuses(table, [...new Set(entries.map((e) => String(e.runId)))]));
    return counts;
  }
  if (query.pipeline) {
    const runs = await table.queryAll({
      IndexName: INDEX.pipelineRuns,
      KeyConditionExpression: `gsi1pk = :p${query.since ? " AND gsi1sk >= :since" : ""}`,
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":p": pipelineRunsPartition(query.pipeline), ...since },
      ProjectionExpression: "#status",
    });
    tally(counts, runs);
    return counts;
  }
  await Promise.all(
    RUN_STATUSES.map(async (status) => {
      counts[status] = await table.count({
        IndexName: INDEX.status,
        KeyConditionExpression: `gsi2pk = :p${query.since ? " AND gsi2sk >= :since" : ""}`,
        ExpressionAttributeValues: { ":p": statusPartition(status), ...since },
      });
    }),
  );
  return counts;
}

function tally(counts: RunCounts, items: Item[]): void {
  for (const item of items) {
    const status = item.status as RunStatus;
    if (status in counts) counts[status]++;
  }
}

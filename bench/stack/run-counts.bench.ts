// `GET /runs/counts` at 10,000 runs (issue 18: counts by status that stay fast with 10,000 runs), against
// DynamoDB Local: `RunStore.countRuns` for each shape of query (no filter: a COUNT query per status; a
// pipeline: one status-only pass over its runs; a parameter value: its entries, then those runs' statuses; a
// `since` window), each beside the query the Runs view makes anyway, a first page of 50 runs. A counting
// middleware reports the DynamoDB requests each one costs.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ensureTable } from "../../lib/adapters/dynamodb/ensure-table";
import { parameterItems, runItem } from "../../lib/adapters/dynamodb/run-items";
import { DynamoRunStore } from "../../lib/adapters/dynamodb/run-store";
import { DynamoTable } from "../../lib/adapters/dynamodb/table";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../lib/local/credentials";
import { startDynamoDbLocal } from "../../lib/local/dynamodb";
import type { RunCountQuery, RunRecord, RunStatus } from "../../lib/ports/run-store";

const RUNS = Number(process.env.BENCH_COUNT_RUNS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const TARGET_MS = 1000;
const STATUSES: RunStatus[] = [
  "Succeeded",
  "Succeeded",
  "Succeeded",
  "Failed",
  "Running",
  "Error",
  "Terminated",
];
const PIPELINES = ["etl", "report", "train", "ingest"];
const start = Date.UTC(2026, 0, 1);

const dynamo = await startDynamoDbLocal();
const client = new DynamoDBClient({
  endpoint: dynamo.endpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
});
const requests: string[] = [];
client.middlewareStack.add(
  (next, context) => async (args) => {
    requests.push(context.commandName ?? "?");
    return next(args);
  },
  { step: "initialize", name: "countRequests" },
);
const tableName = "bench-run-counts";
await ensureTable(client, tableName);

// Runs as the store lays them out, a minute apart, with the fields a finished run carries.
const runs: RunRecord[] = Array.from({ length: RUNS }, (_, i) => ({
  runId: `01bench${String(i).padStart(8, "0")}`,
  pipeline: PIPELINES[i % PIPELINES.length],
  version: "v3",
  status: STATUSES[i % STATUSES.length],
  parameters: { date: `2026-01-${String((i % 28) + 1).padStart(2, "0")}`, region: i % 3 === 0 ? "eu" : "us" },
  engine: { kind: "local", namespace: "skiff", workflowName: `bench-${i}` },
  createdAt: new Date(start + i * 60_000).toISOString(),
  startedAt: new Date(start + i * 60_000 + 1000).toISOString(),
  finishedAt: new Date(start + i * 60_000 + 30_000).toISOString(),
  caller: "arn:aws:iam::000000000000:user/bench",
  message: "",
}));
const table = new DynamoTable({ tableName, client });
await table.batchPut(
  runs.flatMap((r) => [runItem(r), ...parameterItems(r)]),
  "bench runs",
);
const store = new DynamoRunStore({ tableName, client });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn: () => Promise<unknown>): Promise<{ ms: number; requests: number }> {
  const times: number[] = [];
  let sent = 0;
  await fn(); // warm-up
  for (let i = 0; i < ROUNDS; i++) {
    const before = requests.length;
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
    sent = requests.length - before;
  }
  return { ms: median(times), requests: sent };
}

const lastDay = new Date(start + (RUNS - 24 * 60) * 60_000).toISOString();
const cases: Array<[string, RunCountQuery, Parameters<DynamoRunStore["queryRuns"]>[0]]> = [
  ["all runs", {}, { limit: 50 }],
  ["one pipeline (1/4 of the runs)", { pipeline: "etl" }, { pipeline: "etl", limit: 50 }],
  [
    "a parameter value (1/3)",
    { param: { name: "region", value: "eu" } },
    { param: { name: "region", value: "eu" }, limit: 50 },
  ],
  [
    "a pipeline and a parameter value",
    { pipeline: "etl", param: { name: "region", value: "eu" } },
    { pipeline: "etl", param: { name: "region", value: "eu" }, limit: 50 },
  ],
  ["the last 24 hours (1,440 runs)", { since: lastDay }, { limit: 50 }],
];

console.log(
  `${RUNS.toLocaleString("en")} runs in DynamoDB Local; median of ${ROUNDS} rounds after one warm-up\n`,
);
console.log(
  "| counts of | countRuns | DynamoDB requests | baseline: first page of 50 (queryRuns) | ratio | target |",
);
console.log("|---|---|---|---|---|---|");
let failed = false;
for (const [name, countQuery, pageQuery] of cases) {
  const counted = await time(() => store.countRuns(countQuery));
  const page = await time(() => store.queryRuns(pageQuery));
  const met = counted.ms <= TARGET_MS;
  failed ||= !met;
  console.log(
    `| ${name} | ${counted.ms.toFixed(1)} ms | ${counted.requests} | ${page.ms.toFixed(1)} ms | ${(counted.ms / page.ms).toFixed(1)}× | ≤ ${TARGET_MS} ms: ${met ? "met" : "**not met**"} |`,
  );
}
const total = await store.countRuns({});
console.log(`\nchecked: the counts add up to ${Object.values(total).reduce((a, b) => a + b, 0)} runs`);

client.destroy();
await dynamo.stop();
process.exit(failed ? 1 : 0);

// Local latencies of the serverless path on the embedded stack (the real handlers, s3rver, DynamoDB Local,
// the embedded bus and the local engine), each beside a baseline doing the same work without the trigger path:
//  1. upload → spec stored   (S3 PutObject → notification → build function → spec + Build Succeeded)
//     baseline: compilePipeline in-process + PutObject of the spec
//  2. run request → Running  (POST /pipelines/{name}/runs → run record Running in DynamoDB)
//     baseline: engine.submit of the same spec until the engine reports Running
//  3. engine finish → event  (workflow terminal in the engine's feed → Pipeline Run Completed delivered)
//     baseline: PutEvents → delivery to a subscriber on the same bus
import { performance } from "node:perf_hooks";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { DynamoRunStore } from "../../lib/adapters/dynamodb/run-store";
import type { Workflow } from "../../lib/argo";
import { compilePipeline, memorySourceFiles } from "../../lib/compiler";
import { LABEL_RUN_ID } from "../../lib/engine/labels";
import { LOCAL_CREDENTIALS } from "../../lib/local/credentials";
import { createS3Client } from "../../lib/local/s3";
import { startStack } from "../../lib/local/stack";
import { parseYaml } from "../../test/support/yaml";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
// The handlers' per-event INFO lines would flood the table (the stack sets the same for `skiff start`).
process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";
const TARGETS = { upload: 300, run: 200, event: 100 };

const source = (i: number) => `import { container, dag, workflow } from "skiff";
const say = container({ name: "say", image: "alpine:3.20", command: ["echo", "round ${i}"] });
export default workflow({
  generateName: "bench-",
  entrypoint: dag("main", (d) => { d.task("a", say); }),
});
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, everyMs = 2): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(everyMs);
  }
}

const stack = await startStack({
  ephemeral: true,
  uploadExamples: false,
  schedules: false,
  log: () => {},
  handlers: async () => (await import("../../functions/index")).handlers,
});
const s3 = createS3Client(stack.s3Endpoint);
const ddb = new DynamoDBClient({
  endpoint: stack.dynamodbEndpoint,
  region: stack.region,
  credentials: LOCAL_CREDENTIALS,
});
const runs = new DynamoRunStore({ tableName: stack.table, client: ddb });
const bus = new EventBridgeClient({
  endpoint: stack.busUrl,
  region: stack.region,
  credentials: LOCAL_CREDENTIALS,
});

/** One DynamoDB Local round trip on this machine: the unit most of the paths are made of. */
const dynamoRoundTrips: number[] = [];
const results: Record<string, { path: number[]; baseline: number[] }> = {
  upload: { path: [], baseline: [] },
  run: { path: [], baseline: [] },
  event: { path: [], baseline: [] },
};

// Event arrival times, by a key the measurements wait for.
const arrivals = new Map<string, number>();
stack.router.subscribe((event) => {
  const detail = event.detail as { pipeline?: string; version?: string; runId?: string; probe?: string };
  const at = performance.now();
  if (event["detail-type"] === "Pipeline Build Succeeded") arrivals.set(`built:${detail.pipeline}`, at);
  if (event["detail-type"] === "Pipeline Run Completed") arrivals.set(`completed:${detail.runId}`, at);
  if (event["detail-type"] === "Bench Probe") arrivals.set(`probe:${detail.probe}`, at);
});
// Terminal workflows as the engine's change feed shows them.
const finished = new Map<string, number>();
void (async () => {
  for await (const change of stack.engine.watch()) {
    const runId = change.object.metadata?.labels?.[LABEL_RUN_ID];
    const phase = change.object.status?.phase;
    if (runId && (phase === "Succeeded" || phase === "Failed" || phase === "Error") && !finished.has(runId)) {
      finished.set(runId, performance.now());
    }
  }
})();

async function post(path: string, body: unknown): Promise<{ runId: string }> {
  const response = await fetch(stack.apiUrl + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { runId: string };
}

// Warm-up: one build and one run through every path (clients, the compiler's modules, JIT).
await s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: "pipelines/warm.ts", Body: source(-1) }));
await until(() => arrivals.get("built:warm"));
const warm = await post("/pipelines/warm/runs", {});
await until(() => arrivals.get(`completed:${warm.runId}`));

for (let i = 0; i < ROUNDS; i++) {
  // 1. upload → spec stored (the spec object exists; Build Succeeded follows it)
  const name = `bench-${i}`;
  let t0 = performance.now();
  await s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: `pipelines/${name}.ts`, Body: source(i) }));
  await until(async () => {
    try {
      await s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: `specs/${name}/v1.yaml` }));
      return true;
    } catch {
      return undefined;
    }
  });
  results.upload.path.push(performance.now() - t0);
  t0 = performance.now();
  const compiled = await compilePipeline({
    entry: "x.ts",
    files: memorySourceFiles({ "x.ts": source(1000 + i) }),
  });
  await s3.send(
    new PutObjectCommand({ Bucket: stack.bucket, Key: `bench-baseline/${i}.yaml`, Body: compiled.yaml }),
  );
  results.upload.baseline.push(performance.now() - t0);
  await until(() => arrivals.get(`built:${name}`));

  // 2. run request → Running (as recorded in DynamoDB)
  t0 = performance.now();
  const { runId } = await post(`/pipelines/${name}/runs`, {});
  await until(async () => {
    const run = await runs.getRun(runId);
    return run && run.status !== "Pending" ? run.status : undefined;
  });
  results.run.path.push(performance.now() - t0);
  const spec = parseYaml(compiled.yaml ?? "") as Workflow;
  t0 = performance.now();
  const submitted = await stack.engine.submit(spec, { runId: `baseline-${i}` });
  const ref = { namespace: submitted.metadata.namespace ?? "default", name: submitted.metadata.name ?? "" };
  await until(async () => {
    const wf = await stack.engine.get(ref);
    return wf?.status?.phase && wf.status.phase !== "Pending" ? wf.status.phase : undefined;
  });
  results.run.baseline.push(performance.now() - t0);

  // 3. engine finish → Pipeline Run Completed delivered
  const completedAt = await until(() => arrivals.get(`completed:${runId}`));
  const finishedAt = await until(() => finished.get(runId));
  results.event.path.push(completedAt - finishedAt);
  t0 = performance.now();
  await bus.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: stack.eventBus,
          Source: "bench",
          DetailType: "Bench Probe",
          Detail: JSON.stringify({ probe: String(i) }),
        },
      ],
    }),
  );
  const probedAt = await until(() => arrivals.get(`probe:${i}`));
  results.event.baseline.push(probedAt - t0);

  t0 = performance.now();
  await runs.getRun(runId);
  dynamoRoundTrips.push(performance.now() - t0);
}

const rows = [
  ["upload → spec stored", "upload", "compile + PutObject in-process"],
  ["run request → Running", "run", "engine.submit → Running"],
  ["engine finish → event", "event", "PutEvents → subscriber"],
] as const;
console.log(`rounds: ${ROUNDS} (after a warm-up round)\n`);
console.log("| path | median | p90 | target | baseline | baseline median | ratio |");
console.log("|---|---|---|---|---|---|---|");
for (const [label, key, baseline] of rows) {
  const r = results[key];
  const m = median(r.path);
  const b = median(r.baseline);
  console.log(
    `| ${label} | ${m.toFixed(0)} ms | ${p90(r.path).toFixed(0)} ms | ${TARGETS[key]} ms ${m <= TARGETS[key] ? "(met)" : "(not met)"} | ${baseline} | ${b.toFixed(0)} ms | ${(m / b).toFixed(1)}× |`,
  );
}

console.log(
  `\none DynamoDB Local GetItem (consistent) on this machine: median ${median(dynamoRoundTrips).toFixed(0)} ms`,
);

s3.destroy();
ddb.destroy();
bus.destroy();
await stack.stop();
process.exit(0);

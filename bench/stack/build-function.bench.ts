// Target 4 (issue 12): the build function, warm: a 500-task pipeline (bench/compile/generate.ts) uploaded to
// S3 → spec stored, through the build function's handler (createBuildHandler) and the build service
// (BuildService, wired as lib/pipelines/wiring.ts wires it: S3 spec store, DynamoDB run store, EventBridge
// bus, compilePipeline, its default sandbox), with the type check on (`typecheck: true`, passed explicitly)
// and off, alternated. Real local servers: s3rver (its ObjectCreated notification is the handler's event),
// DynamoDB Local, the embedded EventBridge (test/integration/build-function/harness.ts). Each upload is new
// content under a new pipeline name, so every build compiles and records a version 1.

import { Logger } from "@aws-lambda-powertools/logger";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { EventBridgeBus } from "../../lib/adapters/eventbridge/event-bus";
import { S3SpecStore } from "../../lib/adapters/s3/spec-store";
import { compilePipeline } from "../../lib/compiler";
import { BuildService } from "../../lib/pipelines/build-service";
import { createBuildHandler } from "../../lib/pipelines/handler";
import { BUCKET, BUS, startStack } from "../../test/integration/build-function/harness";
import { generatePipeline } from "../compile/generate";
import { header, load, median, ms, printTable } from "../support/targets";

const TASKS = 500;
const WARM_UPS = Number(process.env.BENCH_WARM_UPS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
header(`build function, warm: ${TASKS}-task upload → spec stored, type-checked vs not`);

const stack = await startStack();
const logger = new Logger({ serviceName: "skiff-build-bench", logLevel: "SILENT" });
const handlerWith = (typecheck: boolean) => {
  const service = new BuildService({
    specs: new S3SpecStore({ bucket: BUCKET, client: stack.s3Client }),
    pipelines: stack.pipelines,
    bus: new EventBridgeBus({ busName: BUS }),
    compile: (request) => compilePipeline(request),
    typecheck,
  });
  return createBuildHandler(() => service, logger);
};
const handlers = { checked: handlerWith(true), unchecked: handlerWith(false) };
const source = generatePipeline(TASKS);
let uploads = 0;

/** Upload → the handler's invocation on s3rver's notification → the spec object stored. */
async function uploadAndBuild(kind: keyof typeof handlers): Promise<number> {
  const name = `${kind}-${uploads++}`;
  const start = performance.now();
  const event = await stack.upload(`pipelines/${name}.ts`, `${source}// upload ${uploads}\n`);
  const { results } = await handlers[kind](event);
  const elapsed = performance.now() - start;
  const [outcome] = results;
  if (outcome?.kind !== "built" || !outcome.version.ok) {
    throw new Error(`${name} did not build: ${JSON.stringify(outcome).slice(0, 1000)}`);
  }
  await stack.s3Client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `specs/${name}/v1.yaml` }));
  return elapsed;
}

try {
  for (let i = 0; i < WARM_UPS; i++) {
    await uploadAndBuild("checked");
    await uploadAndBuild("unchecked");
  }
  const loadBefore = load();
  const times = { checked: [] as number[], unchecked: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    times.checked.push(await uploadAndBuild("checked"));
    times.unchecked.push(await uploadAndBuild("unchecked"));
  }
  const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");
  console.log(
    `${ROUNDS} alternated rounds after ${WARM_UPS} warm-up rounds; load average ${loadBefore} before, ${load()} after`,
  );
  console.log(`  type-checked  median ${ms(median(times.checked))}  (${list(times.checked)})`);
  console.log(`  unchecked     median ${ms(median(times.unchecked))}  (${list(times.unchecked)})`);
  const checked = median(times.checked);
  const unchecked = median(times.unchecked);
  printTable([
    {
      what: `build function, warm: ${TASKS}-task upload → spec stored, type-checked`,
      figure: checked,
      baselineName: "the same unchecked",
      baseline: unchecked,
      target: { ratio: 1.5 },
    },
    {
      what: `build function, warm: ${TASKS}-task upload → spec stored, type-checked (absolute)`,
      figure: checked,
      baselineName: "the same unchecked",
      baseline: unchecked,
      target: { ms: 300 },
    },
  ]);
} finally {
  await stack.stop();
}
process.exit(0);

// A program that drives Skiff through `skiff/client`: it starts a run of a pushed pipeline, waits for its result
// and prints its logs. With the embedded stack running (`npx skiff start`, which pushes examples/*/pipeline.ts):
//
//   node start-and-wait.ts hello who=you
//
// The context is picked as the CLI picks it: SKIFF_CONTEXT, the current `skiff context use`, else the local stack.
import { RunFailedError, SkiffClient, TimeoutError } from "skiff/client";

const [pipeline = "hello", ...pairs] = process.argv.slice(2);
const parameters = Object.fromEntries(
  pairs.map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
);

const skiff = new SkiffClient();
const run = await skiff.pipelines.run(pipeline, { parameters });
console.log(`started run ${run.id} of ${pipeline} ${run.created?.version} on ${skiff.context.name}`);

try {
  const outputs = await run.result({ timeoutMs: 10 * 60_000 });
  console.log(`Succeeded; outputs: ${JSON.stringify(outputs)}`);
} catch (error) {
  if (error instanceof RunFailedError) {
    console.error(error.message);
    for (const step of error.failedSteps) console.error(`  ${step.name}: ${step.message ?? "failed"}`);
    process.exitCode = 1;
  } else if (error instanceof TimeoutError) {
    console.error(error.message);
    process.exitCode = 3;
  } else {
    throw error;
  }
}

for await (const line of run.logs()) console.log(`${line.step}: ${line.text}`);

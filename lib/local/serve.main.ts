// `node dist/local/serve.js [dynamodb] [s3 <bucket>...]`: starts the requested local servers, prints one JSON
// line `{ dynamodb?: {endpoint, pid}, s3?: {endpoint, pid, directory} }`, and runs until SIGINT/SIGTERM. Used by tests
// that need the servers in another process (e.g. to check nothing outlives a killed parent).
import { startDynamoDbLocal } from "./dynamodb";
import { startLocalS3 } from "./s3";

const args = process.argv.slice(2);
const result: Record<string, { endpoint: string; pid: number; directory?: string }> = {};
const stops: Array<() => Promise<void>> = [];
if (args.includes("dynamodb")) {
  const dynamo = await startDynamoDbLocal();
  stops.push(dynamo.stop);
  result.dynamodb = { endpoint: dynamo.endpoint, pid: dynamo.pid };
}
const s3Index = args.indexOf("s3");
if (s3Index >= 0) {
  const s3 = await startLocalS3({ buckets: args.slice(s3Index + 1).filter((a) => a !== "dynamodb") });
  stops.push(s3.stop);
  result.s3 = { endpoint: s3.endpoint, pid: s3.pid, directory: s3.directory };
}
process.stdout.write(`${JSON.stringify(result)}\n`);
const shutdown = () => {
  Promise.all(stops.map((stop) => stop())).finally(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

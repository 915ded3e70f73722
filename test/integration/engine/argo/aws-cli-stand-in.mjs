// Stands in for the AWS CLI inside the exit-notifier step when it runs on the local engine:
// `aws events put-events --entries file://<path> --output json` becomes a real PutEvents call
// (@aws-sdk/client-eventbridge, endpoint from AWS_ENDPOINT_URL_EVENTBRIDGE), printed the way
// the CLI prints it.
import { readFileSync } from "node:fs";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";

const args = process.argv.slice(2);
if (args[0] !== "events" || args[1] !== "put-events") {
  process.stderr.write(`aws stand-in: unsupported command ${args.join(" ")}\n`);
  process.exit(2);
}
const entriesArg = args[args.indexOf("--entries") + 1] ?? "";
if (!entriesArg.startsWith("file://")) {
  process.stderr.write("aws stand-in: --entries must be file://...\n");
  process.exit(2);
}
const entries = JSON.parse(readFileSync(entriesArg.slice("file://".length), "utf8"));
const client = new EventBridgeClient({});
const result = await client.send(new PutEventsCommand({ Entries: entries }));
process.stdout.write(
  `${JSON.stringify({ FailedEntryCount: result.FailedEntryCount ?? 0, Entries: result.Entries ?? [] }, null, 4)}\n`,
);

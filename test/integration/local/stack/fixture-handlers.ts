// Small stand-ins for functions/{build,api,watcher}.ts: just enough to prove the stack's wiring (env,
// triggers, engine, bus) with the real SDK clients, without depending on the real handlers.
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { APIGatewayProxyEventV2, S3Event } from "aws-lambda";
import type { Workflow } from "../../../../lib/argo";
import { sharedLocalEngine } from "../../../../lib/engine";
import { LABEL_RUN_ID } from "../../../../lib/engine/labels";
import type { Handlers } from "../../../../lib/local/stack";

export interface Calls {
  build: S3Event[];
  watcher: Array<{ "detail-type": string; detail: Record<string, unknown> }>;
}

export function fixtureHandlers(calls: Calls): Handlers {
  // Built lazily: the stack sets the environment before the first invocation, as Lambda does before init.
  const s3 = () =>
    new S3Client({
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  const dynamo = () => new DynamoDBClient({});
  const bus = () => new EventBridgeClient({});
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  const publish = (detailType: string, detail: object) =>
    bus().send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: env("SKIFF_EVENT_BUS"),
            Source: "skiff",
            DetailType: detailType,
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );

  const build = async (event: S3Event) => {
    calls.build.push(event);
    const record = event.Records[0];
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, " "));
    const source = await s3().send(new GetObjectCommand({ Bucket: record.s3.bucket.name, Key: key }));
    const name = key.slice("pipelines/".length, -".ts".length);
    await s3().send(
      new PutObjectCommand({
        Bucket: env("SKIFF_BUCKET"),
        Key: `specs/${name}/v1.yaml`,
        Body: await source.Body!.transformToString(),
      }),
    );
    await publish("Pipeline Build Succeeded", { pipeline: name, version: "v1" });
  };

  const pipeline = async (event: APIGatewayProxyEventV2) => {
    const engine = sharedLocalEngine();
    if (event.routeKey === "POST /pipelines/{name}/runs") {
      const runId = `run-${Date.now().toString(36)}`;
      const body = JSON.parse(event.body ?? "{}") as { message?: string };
      const spec: Workflow = {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Workflow",
        metadata: { generateName: `${event.pathParameters?.name}-` },
        spec: {
          entrypoint: "main",
          templates: [
            {
              name: "main",
              container: {
                image: "alpine:3.19",
                command: ["sh", "-c"],
                args: [`echo ${body.message ?? "hi"}`],
              },
            },
          ],
        },
      };
      const submitted = await engine.submit(spec, { runId });
      await dynamo().send(
        new PutItemCommand({
          TableName: env("SKIFF_TABLE"),
          Item: { pk: { S: `RUN#${runId}` }, sk: { S: "RUN" }, status: { S: "Pending" } },
        }),
      );
      return {
        statusCode: 201,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ runId, workflow: submitted.metadata.name }),
      };
    }
    if (event.routeKey === "GET /runs/{runId}") {
      const item = await dynamo().send(
        new GetItemCommand({
          TableName: env("SKIFF_TABLE"),
          Key: { pk: { S: `RUN#${event.pathParameters?.runId}` }, sk: { S: "RUN" } },
        }),
      );
      if (!item.Item) return { statusCode: 404, body: JSON.stringify({ error: "not-found" }) };
      return {
        runId: event.pathParameters?.runId,
        status: item.Item.status.S,
        query: event.queryStringParameters,
      };
    }
    return { statusCode: 404, body: "{}" };
  };

  const watcher = async (event: { "detail-type": string; detail: Record<string, unknown> }) => {
    calls.watcher.push(event);
    if (event["detail-type"] !== "Workflow Status Change") return;
    const engine = sharedLocalEngine();
    const { namespace, workflowName, runId } = event.detail as {
      namespace: string;
      workflowName: string;
      runId: string;
    };
    const workflow = await engine.get({ namespace, name: workflowName });
    const phase = workflow?.status?.phase;
    if (phase !== "Succeeded" && phase !== "Failed" && phase !== "Error") return;
    if (workflow?.metadata.labels?.[LABEL_RUN_ID] !== runId) throw new Error("label mismatch");
    await dynamo().send(
      new PutItemCommand({
        TableName: env("SKIFF_TABLE"),
        Item: { pk: { S: `RUN#${runId}` }, sk: { S: "RUN" }, status: { S: phase } },
        ConditionExpression: "#s <> :t",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":t": { S: phase } },
      }),
    );
    await publish("Pipeline Run Completed", { runId, status: phase });
  };

  return {
    build: build as Handlers[string],
    api: pipeline as Handlers[string],
    watcher: watcher as Handlers[string],
    // The schedule tick is serverless.yml's too; these tests fire no CronWorkflow.
    schedules: (async () => []) as Handlers[string],
  };
}

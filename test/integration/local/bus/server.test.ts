import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../../../lib/local/bus/envelope";
import { rawRequest } from "../../../support/raw-http";
import { type EventBusServer, LOCAL_CREDENTIALS, LOCAL_REGION, startBus } from "../../../support/servers";

const BUS = "skiff-test";

describe("the embedded EventBridge", () => {
  let bus: EventBusServer;
  let client: EventBridgeClient;
  const watcherCalls: EventEnvelope[] = [];
  const allSkiff: EventEnvelope[] = [];
  let flakyAttempts = 0;
  const flakyDelivered: EventEnvelope[] = [];
  const webhookBodies: unknown[] = [];
  let webhookServer: ReturnType<typeof createServer>;

  beforeAll(async () => {
    webhookServer = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        webhookBodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => webhookServer.listen(0, "127.0.0.1", resolve));
    const webhookUrl = `http://127.0.0.1:${(webhookServer.address() as AddressInfo).port}/hook`;

    bus = await startBus({
      buses: [BUS],
      log: () => {},
      rules: [
        {
          name: "watcher",
          eventBus: `arn:aws:events:${LOCAL_REGION}:000000000000:event-bus/${BUS}`,
          pattern: { source: ["skiff.engine"], "detail-type": ["Workflow Status Change"] },
          target: (event) => {
            watcherCalls.push(event);
          },
        },
        {
          name: "skiff-all",
          eventBus: BUS,
          pattern: { source: [{ prefix: "skiff" }] },
          target: (event) => {
            allSkiff.push(event);
          },
        },
        {
          name: "flaky",
          eventBus: BUS,
          maximumRetryAttempts: 5,
          pattern: { "detail-type": ["Flaky"] },
          target: (event) => {
            flakyAttempts++;
            if (flakyAttempts < 5) throw new Error("not yet");
            flakyDelivered.push(event);
          },
        },
      ],
      webhooks: [{ url: webhookUrl, pattern: { detail: { status: [{ "anything-but": "Running" }] } } }],
    });
    client = new EventBridgeClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: bus.endpoint,
    });
  });

  afterAll(async () => {
    await bus?.stop();
    await new Promise((resolve) => webhookServer?.close(resolve));
  });

  it("accepts PutEvents from the AWS SDK and delivers the EventBridge envelope to matching rules", async () => {
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: BUS,
            Source: "skiff.engine",
            DetailType: "Workflow Status Change",
            Detail: JSON.stringify({ runId: "r1", phase: "Succeeded" }),
            Resources: ["wf/r1"],
            Time: new Date("2026-01-02T03:04:05.678Z"),
          },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    const id = out.Entries?.[0].EventId;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await bus.router.idle();
    expect(watcherCalls).toEqual([
      {
        version: "0",
        id,
        "detail-type": "Workflow Status Change",
        source: "skiff.engine",
        account: "000000000000",
        time: "2026-01-02T03:04:05Z",
        region: LOCAL_REGION,
        resources: ["wf/r1"],
        detail: { runId: "r1", phase: "Succeeded" },
      },
    ]);
    expect(allSkiff.map((e) => e.id)).toContain(id);
  });

  it("refuses another site's page: another Host (DNS rebinding), another Origin, a cross-site request", async () => {
    const before = bus.history.length;
    const put = (headers: Record<string, string>) =>
      rawRequest(bus.port, "/", {
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "AWSEvents.PutEvents",
          ...headers,
        },
        body: JSON.stringify({
          Entries: [{ Source: "skiff", DetailType: "x", Detail: "{}", EventBusName: BUS }],
        }),
      });
    const rebound = await put({ host: `attacker.example:${bus.port}` });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ __type: "AccessDeniedException" });
    expect((await put({ host: `127.0.0.1:${bus.port}`, origin: "https://attacker.example" })).status).toBe(
      403,
    );
    expect((await rawRequest(bus.port, "/events", { headers: { host: `evil:${bus.port}` } })).status).toBe(
      403,
    );
    expect(bus.history.length).toBe(before);
    expect((await put({ host: `127.0.0.1:${bus.port}` })).status).toBe(200);
    expect(bus.history.length).toBe(before + 1);
  });

  it("does not deliver to rules whose pattern does not match, or on another bus", async () => {
    const before = watcherCalls.length;
    await client.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: BUS, Source: "skiff", DetailType: "Workflow Status Change", Detail: "{}" },
          { Source: "skiff.engine", DetailType: "Workflow Status Change", Detail: "{}" },
        ],
      }),
    );
    await bus.router.idle();
    expect(watcherCalls.length).toBe(before);
  });

  it("refuses bad entries one by one, like PutEvents", async () => {
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: BUS, Source: "skiff", DetailType: "Ok", Detail: "{}" },
          { EventBusName: BUS, Source: "skiff", DetailType: "Bad", Detail: "{not json" },
          { EventBusName: BUS, Source: "skiff", DetailType: "Array", Detail: "[1]" },
          { EventBusName: BUS, DetailType: "NoSource", Detail: "{}" },
          { EventBusName: "nope", Source: "skiff", DetailType: "Ok", Detail: "{}" },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(4);
    expect(out.Entries?.map((e) => e.ErrorCode ?? "ok")).toEqual([
      "ok",
      "MalformedDetail",
      "MalformedDetail",
      "InvalidArgument",
      "ResourceNotFoundException",
    ]);
    expect(out.Entries?.[3].ErrorMessage).toMatch(/Source/);
  });

  it("rejects more than 10 entries as a whole", async () => {
    const entries = Array.from({ length: 11 }, () => ({
      EventBusName: BUS,
      Source: "s",
      DetailType: "d",
      Detail: "{}",
    }));
    await expect(client.send(new PutEventsCommand({ Entries: entries }))).rejects.toThrow(/1 to 10 entries/);
  });

  it("retries a failing target as often as its retry policy says", async () => {
    await client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: BUS, Source: "x", DetailType: "Flaky", Detail: "{}" }],
      }),
    );
    await bus.router.idle();
    expect(flakyAttempts).toBe(5);
    expect(flakyDelivered).toHaveLength(1);
  });

  it("posts matching events to webhooks", async () => {
    await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: BUS,
            Source: "skiff",
            DetailType: "Run",
            Detail: JSON.stringify({ status: "Running" }),
          },
          {
            EventBusName: BUS,
            Source: "skiff",
            DetailType: "Run",
            Detail: JSON.stringify({ status: "Failed" }),
          },
        ],
      }),
    );
    await bus.router.idle();
    const statuses = webhookBodies.map((b) => (b as EventEnvelope).detail.status);
    expect(statuses).toContain("Failed");
    expect(statuses).not.toContain("Running");
  });

  it("streams events to subscribers as server-sent events, filtered by pattern", async () => {
    const controller = new AbortController();
    const pattern = encodeURIComponent(JSON.stringify({ "detail-type": ["Streamed"] }));
    const response = await fetch(`${bus.endpoint}/events?follow=true&pattern=${pattern}`, {
      signal: controller.signal,
    });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    await client.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: BUS, Source: "skiff", DetailType: "Other", Detail: "{}" },
          { EventBusName: BUS, Source: "skiff", DetailType: "Streamed", Detail: JSON.stringify({ n: 1 }) },
        ],
      }),
    );
    let text = "";
    while (!text.includes("data: ")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    controller.abort();
    const data = text.split("\n").find((line) => line.startsWith("data: "));
    const event = JSON.parse(data!.slice("data: ".length)) as EventEnvelope;
    expect(event["detail-type"]).toBe("Streamed");
    expect(event.detail).toEqual({ n: 1 });
  });

  it("lists recent events", async () => {
    const response = await fetch(`${bus.endpoint}/events?bus=${BUS}&limit=2`);
    const events = (await response.json()) as EventEnvelope[];
    expect(events).toHaveLength(2);
    expect(events.at(-1)?.["detail-type"]).toBe("Streamed");
  });

  it("answers an unknown operation with an AWS error", async () => {
    const response = await fetch(bus.endpoint, {
      method: "POST",
      headers: { "x-amz-target": "AWSEvents.PutRule", "content-type": "application/x-amz-json-1.1" },
      body: "{}",
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe("UnknownOperationException");
  });
});

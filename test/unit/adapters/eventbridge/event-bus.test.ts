import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { EventBridgeBus, PublishError } from "../../../../lib/adapters/eventbridge/event-bus";
import type { BusEvent } from "../../../../lib/ports/event-bus";

// The happy path runs against the embedded EventBridge in test/integration/watcher; here the SDK is mocked
// only to inject the faults a real endpoint will not produce on demand.
const client = new EventBridgeClient({
  region: "us-east-1",
  credentials: { accessKeyId: "a", secretAccessKey: "b" },
});
const mock = mockClient(client);
afterEach(() => mock.reset());

const events = (n: number): BusEvent[] =>
  Array.from({ length: n }, (_, i) => ({ source: "skiff", detailType: "Test", detail: { i } }));

describe("EventBridgeBus", () => {
  it("sends 10 entries per request and re-sends only the failed ones", async () => {
    // The first entry of each request is throttled the first time it is sent.
    const throttled = new Set<number>();
    mock.on(PutEventsCommand).callsFake((input: { Entries: Array<{ Detail: string }> }) => {
      const results = input.Entries.map((entry, position) => {
        const i = JSON.parse(entry.Detail).i as number;
        if (position === 0 && i % 10 === 0 && !throttled.has(i)) {
          throttled.add(i);
          return { ErrorCode: "ThrottlingException", ErrorMessage: "slow down" };
        }
        return { EventId: `id-${i}` };
      });
      return { FailedEntryCount: results.filter((r) => "ErrorCode" in r).length, Entries: results };
    });
    const bus = new EventBridgeBus({ busName: "skiff", client, baseDelayMs: 1 });
    await bus.publish(events(23));
    const sent = mock
      .commandCalls(PutEventsCommand)
      .map((c) => c.args[0].input.Entries?.map((e) => JSON.parse(e.Detail ?? "").i));
    expect(sent).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [0],
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
      [10],
      [20, 21, 22],
      [20],
    ]);
    expect(mock.commandCalls(PutEventsCommand)[0].args[0].input.Entries?.[0]).toMatchObject({
      EventBusName: "skiff",
      Source: "skiff",
      DetailType: "Test",
    });
  });

  it("raises PublishError with the error codes when entries keep failing", async () => {
    mock.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: "InternalFailure" }] });
    const bus = new EventBridgeBus({ busName: "skiff", client, baseDelayMs: 1, maxAttempts: 3 });
    const error = await bus.publish(events(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).message).toContain("after 3 attempts (InternalFailure)");
    expect(mock.commandCalls(PutEventsCommand)).toHaveLength(3);
  });

  it("retries request errors and refuses entries over 256 KB before sending", async () => {
    mock
      .on(PutEventsCommand)
      .rejectsOnce(new Error("socket hang up"))
      .resolves({ FailedEntryCount: 0, Entries: [{}] });
    const bus = new EventBridgeBus({ busName: "skiff", client, baseDelayMs: 1 });
    await bus.publish(events(1));
    expect(mock.commandCalls(PutEventsCommand)).toHaveLength(2);
    const huge: BusEvent = { source: "skiff", detailType: "Big", detail: { blob: "x".repeat(300 * 1024) } };
    await expect(bus.publish([huge])).rejects.toThrow(/256 KB/);
  });
});

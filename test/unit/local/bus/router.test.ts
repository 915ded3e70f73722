import { describe, expect, it } from "vitest";
import { EventRouter } from "../../../../lib/local/bus/router";

describe("EventRouter", () => {
  it("refuses webhooks that are not http(s) and rules with bad patterns, naming the problem", () => {
    const router = new EventRouter({ log: () => {} });
    expect(() => router.addWebhook({ url: "file:///etc/passwd" })).toThrow(/only http and https/);
    expect(() => router.addRule({ name: "r", pattern: { source: "skiff" }, target: () => {} })).toThrow(
      /at source: expected an array/,
    );
  });

  it("keeps a bounded history per bus, oldest first", () => {
    const router = new EventRouter({ buses: ["b"], historySize: 2, log: () => {} });
    for (const n of [1, 2, 3]) {
      router.putEvents([{ EventBusName: "b", Source: "s", DetailType: "d", Detail: JSON.stringify({ n }) }]);
    }
    router.putEvents([{ Source: "s", DetailType: "d", Detail: "{}" }]);
    expect(router.history("b").map((e) => e.detail.n)).toEqual([3]);
    expect(router.history()).toHaveLength(2);
  });

  it("does not let a failing subscriber stop delivery to the others", () => {
    const lines: string[] = [];
    const router = new EventRouter({ log: (line) => lines.push(line) });
    const seen: string[] = [];
    router.subscribe(() => {
      throw new Error("bad subscriber");
    });
    router.subscribe((event) => seen.push(event.id));
    const out = router.putEvents([{ Source: "s", DetailType: "d", Detail: "{}" }]);
    expect(seen).toEqual([(out.Entries[0] as { EventId: string }).EventId]);
    expect(lines[0]).toMatch(/bad subscriber/);
  });
});

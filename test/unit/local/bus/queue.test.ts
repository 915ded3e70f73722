import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../../../lib/local/bus/envelope";
import { EventRouter } from "../../../../lib/local/bus/router";
import { tempDir } from "../../../support/temp-dir";

const files = (dir: string, folder: string) =>
  readdirSync(join(dir, folder)).filter((f) => f.endsWith(".json"));

describe("EventRouter's delivery queue (the embedded dead-letter queue)", () => {
  const dirs: Array<{ remove(): void }> = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) dir.remove();
  });

  const put = (router: EventRouter, n: number) =>
    router.putEvents([
      { Source: "skiff.engine", DetailType: "Workflow Status Change", Detail: JSON.stringify({ n }) },
    ]);
  const rule = (target: (event: EventEnvelope) => unknown, maximumRetryAttempts = 2) => ({
    name: "watcher",
    pattern: { source: ["skiff.engine"] },
    target,
    maximumRetryAttempts,
  });

  it("parks a delivery whose retries ran out on disk, and a later router redrives it; nothing is dropped", async () => {
    const dir = tempDir("bus-queue");
    dirs.push(dir);
    const lines: string[] = [];
    const first = new EventRouter({ queueDir: dir.path, retryDelaysMs: [1, 2], log: (l) => lines.push(l) });
    let attempts = 0;
    first.addRule(
      rule(() => {
        attempts++;
        throw new Error("DynamoDB is down");
      }),
    );
    put(first, 1);
    await first.idle();
    expect(attempts).toBe(3);
    expect(files(dir.path, "parked")).toHaveLength(1);
    expect(files(dir.path, "pending")).toHaveLength(0);
    expect(lines.at(-1)).toMatch(/failed 3 times, parked for a redrive: DynamoDB is down/);
    // A redrive while the target still fails keeps it parked.
    await first.redrive();
    expect(attempts).toBe(6);
    expect(files(dir.path, "parked")).toHaveLength(1);
    first.close();

    const delivered: unknown[] = [];
    const second = new EventRouter({ queueDir: dir.path, retryDelaysMs: [1], log: () => {} });
    second.addRule(rule((event) => delivered.push(event.detail)));
    await second.redrive();
    expect(delivered).toEqual([{ n: 1 }]);
    expect(files(dir.path, "parked")).toHaveLength(0);
  });

  it("keeps what a closed (or killed) router had not delivered, for the next one on the same folder", async () => {
    const dir = tempDir("bus-queue");
    dirs.push(dir);
    const first = new EventRouter({ queueDir: dir.path, retryDelaysMs: [60_000], log: () => {} });
    first.addRule(
      rule(() => {
        throw new Error("not now");
      }, 10),
    );
    put(first, 1);
    put(first, 2);
    expect(files(dir.path, "pending")).toHaveLength(2); // on disk before PutEvents answered
    await new Promise((resolve) => setTimeout(resolve, 20));
    first.close();
    await first.idle();
    expect(files(dir.path, "pending")).toHaveLength(2);

    const delivered: unknown[] = [];
    const second = new EventRouter({ queueDir: dir.path, log: () => {} });
    second.addRule(rule((event) => delivered.push(event.detail)));
    await second.redrive();
    // EventBridge promises no order between events; each is delivered once.
    expect(delivered).toHaveLength(2);
    expect(delivered).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }]));
    expect(files(dir.path, "pending")).toHaveLength(0);
  });

  it("stops retrying once the event is older than the rule's maximum event age, and parks it (in memory too)", async () => {
    const router = new EventRouter({ retryDelaysMs: [50], log: () => {} });
    let attempts = 0;
    let up = false;
    const delivered: unknown[] = [];
    router.addRule({
      ...rule((event) => {
        attempts++;
        if (!up) throw new Error("down");
        delivered.push(event.detail);
      }, 100),
      maximumEventAgeMs: 120,
    });
    put(router, 1);
    await router.idle();
    // 100 retries allowed, but none starts past 120 ms.
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThan(10);
    expect(delivered).toEqual([]);
    up = true;
    await router.redrive();
    expect(delivered).toEqual([{ n: 1 }]);
    await router.redrive();
    expect(delivered).toHaveLength(1);
  });
});

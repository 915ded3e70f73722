// `skiff events --follow` (the real CLI, a separate process) against the embedded bus while the bus is
// restarted twice on its port and state file, with completion events published throughout: the follower
// prints every event the bus accepted exactly once, in the bus's order, including those published while it
// was reconnecting (replayed from the persisted history through Last-Event-ID).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { afterAll, describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../../../lib/local/bus/envelope";
import { freePort } from "../../../../lib/local/net";
import { type EventBusServer, LOCAL_CREDENTIALS, LOCAL_REGION, startBus } from "../../../support/servers";

const root = fileURLToPath(new URL("../../../..", import.meta.url));
const cli = join(root, "bin/skiff.js");
const work = mkdtempSync(join(tmpdir(), "skiff-follow-"));
const historyFile = join(work, ".skiff", "bus", "history.jsonl");
const BUS = "skiff-test";
const RUNS = 60;

let bus: EventBusServer | undefined;
let follower: ChildProcess | undefined;

afterAll(async () => {
  follower?.kill();
  await bus?.stop();
  rmSync(work, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe("skiff events --follow across restarts of the bus", () => {
  it("prints every accepted event once, in order, with those published while it reconnected", async () => {
    const port = await freePort();
    const start = () => startBus({ port, buses: [BUS], historyFile, log: () => {} });
    bus = await start();
    mkdirSync(join(work, ".skiff"), { recursive: true });
    writeFileSync(
      join(work, ".skiff", "stack.json"),
      JSON.stringify({ apiUrl: "http://127.0.0.1:9", busUrl: bus.endpoint }),
    );

    follower = spawn(
      process.execPath,
      [cli, "events", "--follow", "-o", "json", "--pattern", '{"detail-type":["Pipeline Run Completed"]}'],
      { cwd: work, stdio: ["ignore", "pipe", "pipe"] },
    );
    const printed: EventEnvelope[] = [];
    let partial = "";
    let stderr = "";
    follower.stdout?.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) if (line) printed.push(JSON.parse(line) as EventEnvelope);
    });
    follower.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });

    const client = new EventBridgeClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    // A publisher like the watcher's outbox: each event is sent until the bus accepts it.
    const publish = async (detailType: string, detail: Record<string, unknown>) => {
      for (;;) {
        try {
          const out = await client.send(
            new PutEventsCommand({
              Entries: [
                {
                  EventBusName: BUS,
                  Source: "skiff",
                  DetailType: detailType,
                  Detail: JSON.stringify(detail),
                },
              ],
            }),
          );
          if (out.FailedEntryCount === 0) return;
        } catch {
          // The bus is restarting.
        }
        await sleep(20);
      }
    };
    // The follower is connected once it prints an event published after it started.
    await until(() => {
      void publish("Pipeline Run Completed", { runId: "warm-up" });
      return printed.length > 0;
    }, "the follower's first event");

    const publishing = (async () => {
      for (let i = 0; i < RUNS; i++) {
        await publish("Pipeline Run Completed", { runId: `run-${i}`, status: "Succeeded" });
        // Other events on the bus, which the follower's pattern leaves out.
        if (i % 5 === 0) await publish("Pipeline Build Succeeded", { pipeline: `p-${i}` });
        await sleep(25);
      }
    })();
    for (const at of [15, 40]) {
      await until(() => printed.some((e) => e.detail.runId === `run-${at}`), `run-${at} printed`);
      await bus.stop();
      // Down for a while, then back on the same port and history file; the publisher keeps trying meanwhile,
      // and its first events after the restart reach the bus before the follower has reconnected.
      await sleep(400);
      bus = await start();
    }
    await publishing;
    await until(
      () => printed.some((e) => e.detail.runId === `run-${RUNS - 1}`),
      `the last event printed (stderr: ${stderr})`,
    );
    await sleep(300); // anything printed twice would arrive now

    // Exactly once and in order: the bus's accepted completion events from the first one printed on.
    const accepted = bus.history
      .list(BUS)
      .filter((e) => e["detail-type"] === "Pipeline Run Completed")
      .map((e) => e.id);
    expect(printed.map((e) => e.id)).toEqual(accepted.slice(accepted.indexOf(printed[0].id)));
    // Nothing lost. (A publish whose answer a restart cut off is sent again, a second event on the bus.)
    const runIds = new Set(printed.map((e) => e.detail.runId).filter((id) => id !== "warm-up"));
    expect([...runIds]).toEqual(Array.from({ length: RUNS }, (_, i) => `run-${i}`));
    expect(stderr).toMatch(/lost the bus/);
    expect(stderr).toMatch(/reconnected/);
    expect(stderr).not.toMatch(/may be missing/);
    client.destroy();
  });
});

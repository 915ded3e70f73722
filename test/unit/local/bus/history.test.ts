import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { toEnvelope } from "../../../../lib/local/bus/envelope";
import { EventHistory } from "../../../../lib/local/bus/history";
import { tempDir } from "../../../support/temp-dir";

const dir = tempDir("bus-history");
afterAll(() => dir.remove());

const event = (n: number) =>
  toEnvelope({ Source: "s", DetailType: "d", Detail: JSON.stringify({ n }) }, { account: "1", region: "r" });

describe("EventHistory", () => {
  it("replays the events after an id, and every kept one (found: false) for an id it no longer holds", () => {
    const history = new EventHistory({ size: 3 });
    const events = [1, 2, 3, 4].map(event);
    for (const e of events) history.record(e, e.detail.n === 2 ? "other" : "default");
    expect(history.list().map((e) => e.detail.n)).toEqual([2, 3, 4]);
    expect(history.list("other").map((e) => e.detail.n)).toEqual([2]);
    const after = history.after(events[2].id);
    expect(after.found).toBe(true);
    expect(after.events.map((e) => e.event.detail.n)).toEqual([4]);
    const gone = history.after(events[0].id);
    expect(gone.found).toBe(false);
    expect(gone.events.map((e) => e.event.detail.n)).toEqual([2, 3, 4]);
  });

  it("survives a restart through its file, bounded, and skips a line a kill cut short", () => {
    const file = join(dir.path, "sub", "history.jsonl");
    const first = new EventHistory({ file, size: 4 });
    const events = Array.from({ length: 11 }, (_, i) => event(i));
    for (const e of events) first.record(e, "default");
    // Never more than twice the bound on disk.
    expect(readFileSync(file, "utf8").trim().split("\n").length).toBeLessThanOrEqual(8);
    appendFileSync(file, '{"bus":"default","event":{"id":"tor');

    const second = new EventHistory({ file, size: 4 });
    expect(second.list().map((e) => e.detail.n)).toEqual([7, 8, 9, 10]);
    expect(second.after(events[8].id).events.map((e) => e.event.id)).toEqual([events[9].id, events[10].id]);
    second.record(event(11), "default");
    expect(new EventHistory({ file, size: 4 }).list().map((e) => e.detail.n)).toEqual([8, 9, 10, 11]);
  });

  it("keeps events in memory and says so once when its file cannot be written", () => {
    const lines: string[] = [];
    const file = join(dir.path, "blocked", "history.jsonl");
    const history = new EventHistory({ file, size: 10, log: (line) => lines.push(line) });
    // A directory where the file should be: every append fails.
    mkdirSync(file);
    history.record(event(1), "default");
    history.record(event(2), "default");
    expect(history.list().map((e) => e.detail.n)).toEqual([1, 2]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/persisting event .* failed/);
  });
});

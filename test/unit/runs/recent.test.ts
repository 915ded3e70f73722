import { describe, expect, it } from "vitest";
import { RecentEntries } from "../../../lib/runs/recent";

describe("RecentEntries", () => {
  it("keeps at most max entries, dropping the least recently used", () => {
    const recent = new RecentEntries<string, number>(2);
    recent.set("a", 1);
    recent.set("b", 2);
    expect(recent.get("a")).toBe(1); // a is now newer than b
    recent.set("c", 3);
    expect(recent.get("b")).toBeUndefined();
    expect(recent.get("a")).toBe(1);
    expect(recent.get("c")).toBe(3);
    expect(recent.size).toBe(2);
    recent.set("c", 4);
    expect(recent.size).toBe(2);
    expect(recent.get("c")).toBe(4);
    recent.delete("a");
    expect(recent.get("a")).toBeUndefined();
    expect(recent.size).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import { limiter } from "../../../lib/dashboard/limit";

describe("limiter", () => {
  it("runs at most `max` tasks at once, in the order given, and passes results and errors through", async () => {
    const limit = limiter(2);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const gates: Array<() => void> = [];
    const task = (n: number) => () => {
      started.push(n);
      active++;
      peak = Math.max(peak, active);
      return new Promise<number>((resolve, reject) =>
        gates.push(() => {
          active--;
          if (n === 3) reject(new Error("three"));
          else resolve(n * 10);
        }),
      );
    };
    const results = [1, 2, 3, 4, 5].map((n) => limit(task(n)).catch((e: Error) => e.message));
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 0));
      gates.shift()?.();
    }
    expect(await Promise.all(results)).toEqual([10, 20, "three", 40, 50]);
    expect(peak).toBe(2);
    expect(started).toEqual([1, 2, 3, 4, 5]);
  });
});

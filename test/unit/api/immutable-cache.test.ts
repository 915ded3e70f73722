import { describe, expect, it } from "vitest";
import { cacheFor, ImmutableCache } from "../../../lib/api/immutable-cache";

describe("ImmutableCache", () => {
  it("loads a key once, does not remember misses, and drops the oldest entry beyond its capacity", async () => {
    const cache = new ImmutableCache<string>(2);
    let loads = 0;
    const load = (value: string | undefined) => async () => {
      loads++;
      return value;
    };
    expect(await cache.get("a", load("A"))).toBe("A");
    expect(await cache.get("a", load("other"))).toBe("A");
    expect(loads).toBe(1);
    expect(await cache.get("missing", load(undefined))).toBeUndefined();
    expect(await cache.get("missing", load("now"))).toBe("now");
    await cache.get("c", load("C"));
    // capacity 2: "a" was the oldest and is loaded again
    expect(await cache.get("a", load("A2"))).toBe("A2");
  });

  it("keeps separate caches per owner and purpose", async () => {
    const one = {};
    const two = {};
    await cacheFor<number>(one, "versions").get("k", async () => 1);
    expect(await cacheFor<number>(one, "versions").get("k", async () => 9)).toBe(1);
    expect(await cacheFor<number>(two, "versions").get("k", async () => 2)).toBe(2);
    expect(await cacheFor<number>(one, "specs").get("k", async () => 3)).toBe(3);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromConfig } from "../../../functions/init";
import { resetConfig, type SkiffConfig } from "../../../lib/config";

const names = ["SKIFF_BUCKET", "SKIFF_TABLE"] as const;
const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
beforeAll(() => {
  Object.assign(process.env, { SKIFF_BUCKET: "skiff-test", SKIFF_TABLE: "skiff-test" });
  resetConfig();
});
afterAll(() => {
  for (const name of names) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  resetConfig();
});

describe("fromConfig (how every function entry makes its dependencies)", () => {
  it("makes them once from the configuration, again after a reset, and again after a failure", async () => {
    const made: SkiffConfig[] = [];
    let fail = false;
    const deps = fromConfig((config) => {
      if (fail) throw new Error("table unreachable");
      made.push(config);
      return { table: config.table, serial: made.length };
    });
    expect(await deps()).toEqual({ table: "skiff-test", serial: 1 });
    expect(await deps()).toBe(await deps());
    expect(made).toHaveLength(1);

    process.env.SKIFF_TABLE = "skiff-other";
    expect((await deps()).table).toBe("skiff-test"); // read once: a changed environment alone changes nothing
    resetConfig();
    fail = true;
    await expect(deps()).rejects.toThrow("table unreachable");
    fail = false;
    expect(await deps()).toEqual({ table: "skiff-other", serial: 2 });
  });
});

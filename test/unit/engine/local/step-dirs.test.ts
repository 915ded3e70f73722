import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { layoutKey, preparedLayout, StepDirPool } from "../../../../lib/engine/local/step-dirs";

describe("StepDirPool", () => {
  it("gives a step that declares paths its own directory, named by node id", () => {
    const pool = new StepDirPool("/run");
    const lease = pool.lease("wf-1", false);
    expect(lease.dir).toBe(join("/run", "wf-1"));
    lease.release(true);
    expect(pool.lease("wf-2", false).dir).toBe(join("/run", "wf-2"));
  });

  it("lends a reusable directory again only once it came back pristine", () => {
    const pool = new StepDirPool("/run");
    const a = pool.lease("wf-a", true);
    const b = pool.lease("wf-b", true);
    expect([a.dir, b.dir]).toEqual([join("/run", "wf-a"), join("/run", "wf-b")]);
    expect(a.layout).toBeUndefined();
    const layout = { key: "k", entries: {} };
    a.release(true, layout);
    a.release(true, layout); // a second release does not lend it twice
    b.release(false, layout);
    const c = pool.lease("wf-c", true);
    expect(c).toMatchObject({ dir: join("/run", "wf-a"), layout });
    expect(pool.lease("wf-d", true).dir).toBe(join("/run", "wf-d"));
  });
});

describe("preparedLayout", () => {
  it("lists what each directory holds after the dirs are made and the files written", () => {
    const root = "/run/s";
    const layout = preparedLayout(root, [`${root}/fs/tmp`, `${root}/fs/src/app`], [`${root}/script`]);
    expect(layout.entries).toEqual({
      [root]: ["fs", "script"],
      [`${root}/fs`]: ["src", "tmp"],
      [`${root}/fs/tmp`]: [],
      [`${root}/fs/src`]: ["app"],
      [`${root}/fs/src/app`]: [],
    });
    expect(layout.key).toBe(layoutKey([`${root}/fs/tmp`, `${root}/fs/src/app`], [`${root}/script`]));
    expect(layout.key).not.toBe(layoutKey([`${root}/fs/tmp`], [`${root}/script`]));
  });

  it("refuses a path outside the step directory", () => {
    expect(() => preparedLayout("/run/s", ["/elsewhere"], [])).toThrow(/outside/);
  });
});

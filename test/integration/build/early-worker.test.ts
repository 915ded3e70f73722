import { afterEach, describe, expect, it } from "vitest";
import { defaultWorkerPath, Sandbox } from "../../../lib/build/sandbox/sandbox";
import { earlyWorkerPid, startEarlyWorker, takeEarlyWorker } from "../../../lib/build/sandbox/worker-process";

// bin/skiff.js starts the sandbox worker before it loads the compiler; the compiler's sandbox takes that
// very process over when it runs the same script with the same heap limit.
const BUNDLE = `var __skiffBundle = { evaluate: function (parameters) { return parameters; } };`;
const sandboxes: Sandbox[] = [];
const sandbox = (options?: ConstructorParameters<typeof Sandbox>[0]) => {
  const made = new Sandbox(options);
  sandboxes.push(made);
  return made;
};
afterEach(() => {
  for (const made of sandboxes.splice(0)) made.close();
  const left = takeEarlyWorker(defaultWorkerPath(), 256);
  left?.worker.child.kill("SIGKILL");
});

describe("the early sandbox worker", () => {
  it("is taken over by a sandbox with the same script and heap limit, once", async () => {
    startEarlyWorker(defaultWorkerPath());
    const pid = earlyWorkerPid();
    expect(pid).toBeGreaterThan(0);
    const first = sandbox();
    expect(await first.evaluate(BUNDLE, "a.js", '"{}"')).toEqual({ ok: true, resultJson: '"{}"' });
    expect(first.pid).toBe(pid);
    expect(earlyWorkerPid()).toBeUndefined();
    const second = sandbox();
    expect(await second.evaluate(BUNDLE, "b.js", '"x"')).toEqual({ ok: true, resultJson: '"x"' });
    expect(second.pid).not.toBe(pid);
  });

  it("is left alone by a sandbox with another heap limit", async () => {
    startEarlyWorker(defaultWorkerPath());
    const pid = earlyWorkerPid();
    const other = sandbox({ heapMb: 128 });
    expect(await other.evaluate(BUNDLE, "a.js", '"1"')).toEqual({ ok: true, resultJson: '"1"' });
    expect(other.pid).not.toBe(pid);
    expect(earlyWorkerPid()).toBe(pid);
  });

  it("is not taken once it has died: the sandbox starts its own", async () => {
    startEarlyWorker(defaultWorkerPath());
    const pid = earlyWorkerPid() as number;
    process.kill(pid, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const fresh = sandbox();
    expect(await fresh.evaluate(BUNDLE, "a.js", '"2"')).toEqual({ ok: true, resultJson: '"2"' });
    expect(fresh.pid).not.toBe(pid);
  });
});

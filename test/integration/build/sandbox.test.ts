import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { Sandbox } from "../../../lib/build";
import { defaultWorkerPath } from "../../../lib/build/sandbox/sandbox";

// Raw bundles speaking the worker's contract: a global `__skiffBundle.evaluate(parametersJson) → JSON text`.
const bundle = (body: string) => `var __skiffBundle = { evaluate: function (parametersJson) { ${body} } };`;
const ECHO = bundle(
  `return JSON.stringify({ ok: true, manifest: { kind: "Workflow", p: JSON.parse(parametersJson) }, sites: {} });`,
);

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());

describe("Sandbox", () => {
  it("runs a self-contained worker script (it is started with --eval, so it may import no file)", () => {
    const worker = readFileSync(defaultWorkerPath(), "utf8");
    expect(worker).not.toMatch(/from\s*["']\.{1,2}\//);
    expect(worker).not.toMatch(/import\(\s*["']\.{1,2}\//);
  });

  it("reuses one warm worker across evaluations, with a fresh context each time", async () => {
    sandbox = new Sandbox();
    const leak = bundle(`globalThis.count = (globalThis.count || 0) + 1; return String(globalThis.count);`);
    const first = await sandbox.evaluate(leak, "a.js", "{}");
    const pid = sandbox.pid;
    const second = await sandbox.evaluate(leak, "a.js", "{}");
    expect(first).toEqual({ ok: true, resultJson: "1" });
    expect(second).toEqual({ ok: true, resultJson: "1" });
    expect(sandbox.pid).toBe(pid);
    const echoed = await sandbox.evaluate(ECHO, "b.js", JSON.stringify({ env: "prod" }));
    expect(echoed.ok && JSON.parse(echoed.resultJson).manifest.p).toEqual({ env: "prod" });
  });

  it("starts the worker with an empty environment, a heap limit and the permission model", async () => {
    process.env.SKIFF_SANDBOX_PLANTED = "visible-to-parent-only";
    try {
      sandbox = new Sandbox({ heapMb: 96 });
      await sandbox.warm();
      const pid = sandbox.pid;
      const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
      // Node's own IPC channel variables are all that a forked child must have.
      expect(environ.filter((v) => !v.startsWith("NODE_CHANNEL_"))).toEqual([]);
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      expect(argv).toContain("--max-old-space-size=96");
      expect(argv.some((a) => a === "--permission" || a === "--experimental-permission")).toBe(true);
      expect(argv.some((a) => a.startsWith("--allow-"))).toBe(false);
    } finally {
      delete process.env.SKIFF_SANDBOX_PLANTED;
    }
  });

  it("stops a synchronous loop with the vm timeout and keeps the worker", async () => {
    sandbox = new Sandbox({ timeoutMs: 300 });
    await sandbox.warm();
    const pid = sandbox.pid;
    const outcome = await sandbox.evaluate(bundle("for (;;) {}"), "loop.js", "{}");
    expect(outcome).toMatchObject({ ok: false, error: { code: "sandbox.timeout" } });
    expect(sandbox.pid).toBe(pid);
    expect(await sandbox.evaluate(ECHO, "b.js", "{}")).toMatchObject({ ok: true });
  });

  it("stops an endless chain of microtasks too, and keeps the worker", async () => {
    sandbox = new Sandbox({ timeoutMs: 300 });
    await sandbox.warm();
    const pid = sandbox.pid;
    const spin = bundle(`const spin = () => Promise.resolve().then(spin); spin(); return "started";`);
    expect(await sandbox.evaluate(spin, "spin.js", "{}")).toMatchObject({
      ok: false,
      error: { code: "sandbox.timeout" },
    });
    expect(await sandbox.evaluate(ECHO, "b.js", "{}")).toMatchObject({ ok: true });
    expect(sandbox.pid).toBe(pid);
  });

  it("respawns the worker after it runs out of heap", async () => {
    sandbox = new Sandbox({ heapMb: 64, timeoutMs: 20_000 });
    await sandbox.warm();
    const pid = sandbox.pid;
    const hog = bundle("const a = []; for (;;) a.push(new Array(100000).fill(a.length));");
    expect(await sandbox.evaluate(hog, "hog.js", "{}")).toMatchObject({
      ok: false,
      error: { code: "sandbox.memory" },
    });
    expect(await sandbox.evaluate(ECHO, "b.js", "{}")).toMatchObject({ ok: true });
    expect(sandbox.pid).not.toBe(pid);
  });

  it("rejects dynamic import() inside the context without losing the worker", async () => {
    sandbox = new Sandbox();
    await sandbox.warm();
    const pid = sandbox.pid;
    const outcome = await sandbox.evaluate(
      bundle(
        `let r = "pending"; import("node:fs").then(() => { r = "imported"; }, (e) => { r = "rejected: " + e.message; }); return "started";`,
      ),
      "imp.js",
      "{}",
    );
    expect(outcome).toEqual({ ok: true, resultJson: "started" });
    // The rejected import settles after the evaluation; the same worker still answers.
    expect(await sandbox.evaluate(ECHO, "b.js", "{}")).toMatchObject({ ok: true });
    expect(sandbox.pid).toBe(pid);
  });
});

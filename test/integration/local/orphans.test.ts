import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isAlive } from "../../support/processes";

const serveScript = fileURLToPath(new URL("../../../dist/local/serve.js", import.meta.url));

/** Polls until the process is gone; false if it is still there when the patience runs out. */
async function gone(pid: number, patienceMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + patienceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return !isAlive(pid);
}

describe("local servers started by a process", () => {
  it("die with it even when it is killed with SIGKILL (no orphan java or s3rver)", async () => {
    const parent = spawn(process.execPath, [serveScript, "dynamodb", "s3", "bucket"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: parent.stdout! }).once("line", resolve);
      parent.once("exit", (code) => reject(new Error(`serve exited with ${code}`)));
    });
    const started = JSON.parse(firstLine) as Record<
      string,
      { endpoint: string; pid: number; directory?: string }
    >;
    expect(isAlive(started.dynamodb.pid)).toBe(true);
    expect(isAlive(started.s3.pid)).toBe(true);
    const s3Directory = started.s3.directory as string;
    expect(existsSync(s3Directory)).toBe(true);
    const response = await fetch(started.s3.endpoint);
    expect(response.status).toBeLessThan(500);

    parent.kill("SIGKILL");

    expect(await gone(started.dynamodb.pid)).toBe(true);
    expect(await gone(started.s3.pid)).toBe(true);
    // Nor the emulator's temporary directory, which the killed parent made and could not remove.
    expect(existsSync(s3Directory)).toBe(false);
  });
});

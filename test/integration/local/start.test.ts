// `skiff start` as a user runs it: a separate process, the banner, a run through the CLI, Ctrl-C, and a
// restart that finds the state of the first session.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { isAlive, waitForOutput } from "../../support/processes";
import { stackBasePort } from "../../support/stack-ports";

const run = promisify(execFile);
const cli = fileURLToPath(new URL("../../../bin/skiff.js", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "skiff-start-"));
const stateDir = join(work, ".skiff");

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !isAlive(pid);
}

/** Starts `skiff start` and resolves once the banner is printed. */
async function start(port: number): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [cli, "start", "--port", String(port), "--state-dir", stateDir], {
    cwd: work,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  await waitForOutput(child, () => output, "Ctrl-C stops everything.");
  return { child, output: () => output };
}

async function interrupt(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGINT");
  return exited;
}

const skiff = (...args: string[]) => run(process.execPath, [cli, ...args], { cwd: work, timeout: 120_000 });

describe("skiff start", () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(work, { recursive: true, force: true });
  });

  it("serves the examples, runs one through the CLI, stops cleanly on Ctrl-C and keeps its state", async () => {
    const port = await stackBasePort();
    const first = await start(port);
    children.push(first.child);
    const banner = first.output();
    expect(banner).toContain(`HTTP API   http://127.0.0.1:${port}`);
    // The dashboard is the first address the banner gives, and the page is served there.
    const addresses = banner.split("\n").filter((line) => line.includes("http://"));
    expect(addresses[0]).toBe(`  Dashboard  http://127.0.0.1:${port}/`);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toContain('src="assets/app.js"');
    expect(banner).toContain("npx skiff run hello --wait");
    expect(banner).toContain("npx skiff events --follow");
    const stackFile = JSON.parse(readFileSync(join(stateDir, "stack.json"), "utf8")) as {
      apiUrl: string;
      processes: { s3: number; dynamodb: number };
    };
    expect(stackFile.apiUrl).toBe(`http://127.0.0.1:${port}`);

    const { stdout } = await skiff("run", "hello", "--wait", "-o", "json");
    const record = JSON.parse(stdout.trim().split("\n").at(-1) as string) as {
      runId: string;
      status: string;
    };
    expect(record.status).toBe("Succeeded");

    const events = await skiff("events", "-o", "json");
    const completions = events.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { "detail-type": string; detail: { runId?: string } })
      .filter((e) => e["detail-type"] === "Pipeline Run Completed" && e.detail.runId === record.runId);
    expect(completions).toHaveLength(1);

    expect(await interrupt(first.child)).toBe(0);
    expect(await gone(stackFile.processes.dynamodb)).toBe(true);
    expect(await gone(stackFile.processes.s3)).toBe(true);
    // The session's step directories are kept after the stop, to be looked at.
    const engineDir = join(stateDir, "engine");
    const stepDirs = (readdirSync(engineDir, { recursive: true }) as string[]).filter((entry) =>
      entry.includes("/"),
    );
    expect(stepDirs.length).toBeGreaterThan(0);

    // A second session on the same state: the run and the pipeline's single version are still there.
    const second = await start(port);
    children.push(second.child);
    const { stdout: got } = await skiff("get", record.runId, "-o", "json");
    expect(JSON.parse(got)).toMatchObject({ runId: record.runId, status: "Succeeded" });
    // The start cleared the last session's step directories; the run's log is still served (from the bucket).
    expect(stepDirs.filter((entry) => existsSync(join(engineDir, entry)))).toEqual([]);
    expect((await skiff("logs", record.runId)).stdout).toContain("hello, world");
    const pipeline = (await (await fetch(`http://127.0.0.1:${port}/pipelines/hello`)).json()) as {
      versions?: unknown[];
    };
    expect(pipeline.versions).toHaveLength(1);
    expect(await interrupt(second.child)).toBe(0);
  }, 300_000);
});

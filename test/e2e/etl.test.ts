// End to end, as a user: `skiff start` (the embedded stack, a separate process), then the CLI: push
// examples/etl, run it with --wait, and check the DynamoDB record, its steps and the completion event.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoRunStore } from "../../lib/adapters/dynamodb/run-store";
import { LOCAL_CREDENTIALS } from "../../lib/local/credentials";
import { stackBasePort } from "../support/stack-ports";

const execFileAsync = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const cli = join(root, "bin/skiff.js");
const work = mkdtempSync(join(tmpdir(), "skiff-e2e-"));
const stateDir = join(work, ".skiff");

interface StackFile {
  apiUrl: string;
  dynamodbEndpoint: string;
  table: string;
  region: string;
}

let stack: ChildProcess;
let events: ChildProcess;
const eventLines: string[] = [];
let stackFile: StackFile;

/** Runs the CLI from the work directory (it finds the stack through .skiff/stack.json). */
async function skiff(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [cli, ...args], {
      cwd: work,
      timeout: 180_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  const port = await stackBasePort();
  stack = spawn(process.execPath, [cli, "start", "--port", String(port), "--state-dir", stateDir], {
    cwd: work,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  stack.stdout?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  stack.stderr?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<never>((_, reject) =>
    stack.once("exit", (code) => reject(new Error(`skiff start exited with ${code}:\n${output}`))),
  );
  await Promise.race([
    until(() => output.includes("Ctrl-C stops everything."), "the stack's banner", 180_000),
    exited,
  ]);
  stackFile = JSON.parse(readFileSync(join(stateDir, "stack.json"), "utf8")) as StackFile;

  // Subscribe before running anything: `skiff events --follow -o json` prints one event per line.
  events = spawn(process.execPath, [cli, "events", "--follow", "-o", "json"], {
    cwd: work,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let buffer = "";
  events.stdout?.on("data", (c: Buffer) => {
    buffer += c.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    eventLines.push(...lines.filter(Boolean));
  });
  // The stream is open once the subscriber is connected; wait for its first byte of life (the retry hint
  // is consumed by the CLI), then give the connection a moment to register.
  await new Promise((r) => setTimeout(r, 500));
}, 240_000);

afterAll(async () => {
  events?.kill("SIGTERM");
  if (stack && stack.exitCode === null) {
    const exited = new Promise((r) => stack.once("exit", r));
    stack.kill("SIGINT");
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
}, 60_000);

describe("Skiff end to end (skiff start + the CLI)", () => {
  let runId: string;

  it("pushes examples/etl and reports its version", async () => {
    const pushed = await skiff("push", join(root, "examples/etl/pipeline.ts"), "-o", "json");
    expect(pushed.stderr).not.toContain("skiff:");
    expect(pushed.code).toBe(0);
    const version = JSON.parse(pushed.stdout) as {
      pipeline: string;
      version: string;
      ok: boolean;
      parameters: { name: string }[];
    };
    expect(version).toMatchObject({ pipeline: "etl", ok: true });
    expect(version.version).toMatch(/^v\d+$/);
    expect(version.parameters.map((p) => p.name)).toEqual(["rows"]);
  });

  it("runs it with --wait: exit 0 and the Succeeded record with its steps", async () => {
    const result = await skiff("run", "etl", "-p", "rows=50", "--wait", "-o", "json");
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout.trim().split("\n").at(-1) as string) as {
      runId: string;
      status: string;
      parameters: Record<string, string>;
      steps: { name: string; displayName: string; phase: string; type: string }[];
    };
    runId = run.runId;
    expect(run.status).toBe("Succeeded");
    expect(run.parameters).toEqual({ rows: "50" });
    const pods = run.steps
      .filter((s) => s.type === "Pod")
      .map((s) => s.displayName)
      .sort();
    expect(pods).toEqual(["download", "regions", "report", "totals"]);
    expect(run.steps.every((s) => s.phase === "Succeeded")).toBe(true);
  });

  it("has recorded the run and its steps in DynamoDB", async () => {
    const client = new DynamoDBClient({
      endpoint: stackFile.dynamodbEndpoint,
      region: stackFile.region,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      const store = new DynamoRunStore({ tableName: stackFile.table, client });
      const run = await store.getRun(runId);
      expect(run).toMatchObject({ runId, pipeline: "etl", status: "Succeeded", parameters: { rows: "50" } });
      expect(run?.finishedAt).toEqual(expect.any(String));
      expect(run?.engine).toMatchObject({ kind: "local", workflowName: expect.stringMatching(/^etl-/) });
      const steps = await store.listSteps(runId);
      const report = steps.find((s) => s.displayName === "report");
      expect(report).toMatchObject({ phase: "Succeeded", type: "Pod" });
      expect(steps.filter((s) => s.type === "Pod")).toHaveLength(4);
    } finally {
      client.destroy();
    }
  });

  it("delivers exactly one Pipeline Run Completed for the run", async () => {
    const completions = () =>
      eventLines
        .map(
          (line) =>
            JSON.parse(line) as {
              source: string;
              "detail-type": string;
              detail: { runId?: string; status?: string };
            },
        )
        .filter((e) => e["detail-type"] === "Pipeline Run Completed" && e.detail.runId === runId);
    await until(() => completions().length > 0, "the completion event", 30_000);
    // Let the sweep and any duplicate engine events settle, then count again.
    await skiff("list", "--pipeline", "etl");
    await new Promise((r) => setTimeout(r, 2000));
    expect(completions()).toHaveLength(1);
    expect(completions()[0]).toMatchObject({ source: "skiff", detail: { status: "Succeeded" } });
  });

  it("shows the run through get, list and logs", async () => {
    const got = await skiff("get", runId);
    expect(got.code).toBe(0);
    expect(got.stdout).toContain("Succeeded");
    expect(got.stdout).toContain("report");
    const listed = await skiff("list", "--pipeline", "etl", "--param", "rows=50", "-o", "json");
    expect((JSON.parse(listed.stdout) as { items: { runId: string }[] }).items.map((r) => r.runId)).toContain(
      runId,
    );
    const logs = await skiff("logs", runId, "report");
    expect(logs.stdout).toMatch(/50 orders, 3 regions, total \d+/);
  });

  it("draws the run's steps with --watch (plain blocks when not a terminal) and exits 0", async () => {
    const watched = await skiff("run", "etl", "-p", "rows=7", "--watch");
    expect(watched.code).toBe(0);
    expect(watched.stdout).toContain("Status:     ✔ Succeeded");
    expect(watched.stdout).toMatch(/✔ report/);
    expect(watched.stdout).not.toContain("\x1b[");
  });

  it("prints the diagnostics of a failed build and exits 1", async () => {
    mkdirSync(join(work, "broken"), { recursive: true });
    writeFileSync(join(work, "broken/pipeline.ts"), `export default 42;\n`);
    const pushed = await skiff("push", "broken/pipeline.ts");
    expect(pushed.code).toBe(1);
    expect(pushed.stdout).toMatch(/broken: build failed \(v1\)\n.*error/);
  });

  it("exits 1 from run --wait when a run does not succeed, and 2 for bad parameters", async () => {
    const bad = await skiff("run", "etl", "-p", "nope=1");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("parameters.nope");
    const failed = await skiff("run", "etl", "-p", "rows=oops", "--wait");
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/Status:\s+\S+ (Failed|Error)/);
  });
});

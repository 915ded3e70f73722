// No outcome lost (issue 13): `skiff start` as a user runs it, with 20 runs in flight while a part of it fails,
// then restarts. How the parts map onto what really runs:
// - DynamoDB Local: its own JVM process: killed with SIGTERM, then started again on the same port and database
//   (SIGKILL makes DynamoDB Local lose writes it had acknowledged: the last transaction of a stream, in 2 of 6 tries
//   here, a failure DynamoDB itself does not have and no exactly-once delivery survives; the run store then still
//   heals the record, with a second completion event);
//   stalled for 60 s with SIGSTOP/SIGCONT (a real stall: connections hang, nothing is refused).
// - the engine's processes: the local engine runs in the stack's process, its steps through step servers (python3
//   children of the stack): those are killed with SIGKILL, ending the steps they ran (the engine's true outcome).
// - the bus and the engine themselves live in the stack's process: killing them is killing the whole stack, with
//   SIGKILL, then starting it again on the same state.
// After each fault: every run's record shows the engine's final phase (read from the engine's own journal on disk)
// with its steps, and exactly one `Pipeline Run Completed` (distinct event id) reached a webhook.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoRunStore } from "../../../lib/adapters/dynamodb/run-store";
import type { Workflow } from "../../../lib/argo";
import { LABEL_COMPLETED } from "../../../lib/argo/labels";
import { LABEL_RUN_ID } from "../../../lib/engine/labels";
import { LOCAL_CREDENTIALS } from "../../../lib/local/credentials";
import { type DynamoDbLocal, startDynamoDbLocal } from "../../../lib/local/dynamodb";
import { createS3Client } from "../../../lib/local/s3";
import { runStatusOf } from "../../../lib/runs/workflow-mapping";
import { isAlive, waitForOutput } from "../../support/processes";
import { stackBasePort } from "../../support/stack-ports";

const cli = fileURLToPath(new URL("../../../bin/skiff.js", import.meta.url));
const RUNS = 20;
/** Generous: a loaded 2-core machine, a sweep a minute, a completion outbox grace of a minute. */
const SETTLE_MS = 6 * 60_000;

const PIPELINE = `import { chain, dag, shell, workflow } from "skiff";
const nap = shell({ name: "nap", source: "sleep 1; echo ok" });
const main = dag("main", (d) => {
  chain(d.task("a", nap), [d.task("b", nap), d.task("c", nap)]);
});
export default workflow({ generateName: "faults-", entrypoint: main });
`;

interface StackFile {
  pid: number;
  apiUrl: string;
  s3Endpoint: string;
  dynamodbEndpoint: string;
  bucket: string;
  table: string;
  region: string;
  processes: { s3: number; dynamodb: number };
}

interface Tally {
  fault: string;
  runs: number;
  lost: number;
  duplicated: number;
  wrong: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` holds, polling; returns its last answer. */
async function until<T>(check: () => Promise<T>, ok: (value: T) => boolean, deadlineMs: number): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await check().catch(() => undefined as T);
    if ((value !== undefined && ok(value)) || Date.now() > deadline) return value;
    await sleep(1000);
  }
}

/** The python3 step servers the stack's process started (the engine's processes). */
function stepServers(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      // `python3 -I -S -c <the step server's source>` (lib/engine/local/step-server.ts), by any path.
      if (ppid === parent && /python[\d.]*\0-I\0-S\0-c\0/.test(cmdline)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe("no outcome lost: 20 runs in flight while a part of the stack fails", () => {
  const work = mkdtempSync(join(tmpdir(), "skiff-faults-"));
  const stateDir = join(work, ".skiff");
  let port: number;
  let stack: { child: ChildProcess; file: StackFile; output: () => string };
  let webhook: Server;
  let webhookUrl: string;
  /** Distinct completion event ids by run id. */
  const completions = new Map<string, Set<string>>();
  const tallies: Tally[] = [];
  let dynamo: DynamoDbLocal | undefined;

  async function startStack(): Promise<{ child: ChildProcess; file: StackFile; output: () => string }> {
    const child = spawn(
      process.execPath,
      [
        cli,
        "start",
        "--no-examples",
        "--port",
        String(port),
        "--state-dir",
        stateDir,
        "--webhook",
        webhookUrl,
      ],
      { cwd: work, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-20_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    await waitForOutput(child, () => output, "Ctrl-C stops everything.", 200);
    const file = JSON.parse(readFileSync(join(stateDir, "stack.json"), "utf8")) as StackFile;
    return { child, file, output: () => output };
  }

  const store = () =>
    new DynamoRunStore({
      tableName: stack.file.table,
      rememberedRuns: 0,
      client: new DynamoDBClient({
        endpoint: stack.file.dynamodbEndpoint,
        region: stack.file.region,
        credentials: LOCAL_CREDENTIALS,
      }),
    });

  /** The engine's truth: its journal on disk, by run id. */
  function engineWorkflows(): Map<string, Workflow> {
    const byRun = new Map<string, Workflow>();
    const dir = join(stateDir, "workflows");
    for (const namespace of readdirSync(dir)) {
      for (const name of readdirSync(join(dir, namespace))) {
        if (!name.endsWith(".json")) continue;
        const wf = JSON.parse(readFileSync(join(dir, namespace, name), "utf8")) as Workflow;
        const runId = wf.metadata.labels?.[LABEL_RUN_ID];
        if (runId) byRun.set(runId, wf);
      }
    }
    return byRun;
  }

  async function submit(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const response = await fetch(`${stack.file.apiUrl}/pipelines/faults/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(response.status).toBe(201);
      ids.push(((await response.json()) as { runId: string }).runId);
    }
    return ids;
  }

  /** Compares every run's record with the engine's final state; counts what is lost, duplicated or wrong. */
  async function verdict(
    fault: string,
    runIds: string[],
  ): Promise<Tally & { done: boolean; problems: string[] }> {
    const runs = store();
    const engine = engineWorkflows();
    const problems: string[] = [];
    let lost = 0;
    let duplicated = 0;
    let wrong = 0;
    for (const runId of runIds) {
      const wf = engine.get(runId);
      const record = await runs.getRun(runId);
      const published = completions.get(runId)?.size ?? 0;
      if (wf?.metadata.labels?.[LABEL_COMPLETED] !== "true") {
        lost++;
        problems.push(`${runId}: the engine has not finished it`);
        continue;
      }
      if (!record || !["Succeeded", "Failed", "Error", "Stopped", "Terminated"].includes(record.status)) {
        lost++;
        problems.push(`${runId}: record ${record?.status ?? "missing"}, engine ${wf.status?.phase}`);
        continue;
      }
      if (published === 0) {
        lost++;
        problems.push(`${runId}: no completion event`);
        continue;
      }
      if (published > 1) {
        duplicated++;
        problems.push(`${runId}: ${published} completion events`);
      }
      const steps = await runs.listSteps(runId);
      const nodes = Object.values(wf.status?.nodes ?? {});
      const stepPhases = Object.fromEntries(steps.map((s) => [s.stepId, s.phase]));
      const nodePhases = Object.fromEntries(nodes.map((n) => [n.id, n.phase]));
      if (
        record.status !== runStatusOf(wf) ||
        JSON.stringify(stepPhases, Object.keys(nodePhases).sort()) !==
          JSON.stringify(nodePhases, Object.keys(nodePhases).sort()) ||
        steps.length !== nodes.length
      ) {
        wrong++;
        problems.push(
          `${runId}: record ${record.status} with ${steps.length} steps, engine ${wf.status?.phase} with ${nodes.length}`,
        );
      }
    }
    return { fault, runs: runIds.length, lost, duplicated, wrong, done: lost === 0, problems };
  }

  /** Waits until every run is settled (or the deadline), then asserts nothing lost, duplicated or wrong. */
  async function settle(fault: string, runIds: string[]): Promise<void> {
    const result = await until(
      () => verdict(fault, runIds),
      (v) => v.done && v.duplicated === 0 && v.wrong === 0,
      SETTLE_MS,
    );
    // A late duplicate would show up here too.
    const { done: _, problems, ...tally } = result;
    tallies.push(tally);
    process.stdout.write(`faults: ${JSON.stringify(tally)}\n`);
    // What the stack logged (its handlers' failures, the sweep's), to tell why a run was not settled.
    if (problems.length > 0) process.stdout.write(`faults: the stack's last output:\n${stack.output()}\n`);
    expect(problems).toEqual([]);
  }

  beforeAll(async () => {
    port = await stackBasePort();
    webhook = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      req.on("end", () => {
        const event = JSON.parse(body) as { id: string; "detail-type": string; detail: { runId?: string } };
        if (event["detail-type"] === "Pipeline Run Completed" && event.detail.runId) {
          const ids = completions.get(event.detail.runId) ?? new Set<string>();
          ids.add(event.id);
          completions.set(event.detail.runId, ids);
        }
        res.end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
    webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
    stack = await startStack();
    const s3 = createS3Client(stack.file.s3Endpoint, { region: stack.file.region });
    await s3.send(
      new PutObjectCommand({ Bucket: stack.file.bucket, Key: "pipelines/faults.ts", Body: PIPELINE }),
    );
    s3.destroy();
    const built = await until(
      async () => (await fetch(`${stack.file.apiUrl}/pipelines/faults`)).status,
      (status) => status === 200,
      120_000,
    );
    expect(built).toBe(200);
  }, 300_000);

  afterAll(async () => {
    if (stack?.child.exitCode === null && stack.child.signalCode === null) {
      const exited = new Promise((resolve) => stack.child.once("exit", resolve));
      stack.child.kill("SIGINT");
      await exited;
    }
    await dynamo?.stop();
    await new Promise((resolve) => webhook?.close(resolve));
    process.stdout.write(`faults: totals ${JSON.stringify(tallies)}\n`);
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it("DynamoDB Local killed with SIGTERM, then started again on its database", async () => {
    const runIds = await submit(RUNS);
    await sleep(1500);
    const pid = stack.file.processes.dynamodb;
    process.kill(pid, "SIGTERM");
    await until(
      async () => !isAlive(pid),
      (gone) => gone,
      20_000,
    );
    await sleep(5000);
    dynamo = await startDynamoDbLocal({
      path: join(stateDir, "dynamodb"),
      port: Number(new URL(stack.file.dynamodbEndpoint).port),
    });
    await settle("dynamodb-kill", runIds);
  }, 600_000);

  it("DynamoDB Local stalled for 60 s (SIGSTOP, SIGCONT)", async () => {
    const runIds = await submit(RUNS);
    await sleep(1500);
    const pid = dynamo?.pid as number;
    process.kill(pid, "SIGSTOP");
    try {
      await sleep(60_000);
    } finally {
      process.kill(pid, "SIGCONT");
    }
    await settle("dynamodb-stall-60s", runIds);
  }, 600_000);

  it("the engine's step servers killed with SIGKILL while steps run", async () => {
    const runIds = await submit(RUNS);
    const servers = await until(
      async () => stepServers(stack.file.pid),
      (pids) => pids.length > 0,
      30_000,
    );
    expect(servers.length).toBeGreaterThan(0);
    for (const pid of servers) process.kill(pid, "SIGKILL");
    await settle("engine-step-servers-kill", runIds);
  }, 600_000);

  it("the whole stack (its process: bus, engine, handlers) killed with SIGKILL, then started again", async () => {
    const runIds = await submit(RUNS);
    await sleep(1500);
    const exited = new Promise((resolve) => stack.child.once("exit", resolve));
    stack.child.kill("SIGKILL");
    await exited;
    // The restarted DynamoDB Local belongs to this test, not to the killed stack: it goes down with it.
    await dynamo?.stop();
    dynamo = undefined;
    stack = await startStack();
    await settle("whole-stack-kill", runIds);
  }, 600_000);
});

// skiff/client and the CLI built on it, against the embedded stack (`skiff start`, a separate process): a run
// started, described, waited for and its logs read through a RunHandle; a Failed run rejecting with
// RunFailedError; a suspended run resumed with a supplied output; `skiff wait`'s exit codes; the step query;
// contexts kept in a temporary XDG config directory; schedules; build parameters given with `skiff push -p`.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BadRequestError,
  ConflictError,
  RunFailedError,
  RunNotFoundError,
  SkiffClient,
  TimeoutError,
} from "../../../lib/client";
import { waitForOutput } from "../../support/processes";
import { runSkiff } from "../../support/skiff-cli";
import { stackBasePort } from "../../support/stack-ports";
import { tempDir } from "../../support/temp-dir";

const execFileP = promisify(execFile);
const cli = fileURLToPath(new URL("../../../bin/skiff.js", import.meta.url));
const temp = tempDir("client");
const work = join(temp.path, "project");
const xdg = join(temp.path, "xdg");
/** Every process and client here reads contexts from the temporary config directory only. */
const env = { ...process.env, XDG_CONFIG_HOME: xdg, SKIFF_CONTEXT: "", SKIFF_API_URL: "" };
let stack: ChildProcess;
let skiff: SkiffClient;

const skiffCli = (...args: string[]) => runSkiff(args, { env, cwd: work, timeoutMs: 170_000 });

const PIPELINES: Record<string, string> = {
  greet: `import { param, shell, workflow } from "skiff";
const greet = shell({
  name: "greet",
  image: "alpine",
  inputs: { who: param("world") },
  outputs: { greeting: param({ valueFrom: { path: "/tmp/greeting" } }) },
  source: "echo 'hello, {{inputs.parameters.who}}' | tee /tmp/greeting",
});
export default workflow({ generateName: "greet-", entrypoint: greet, arguments: { who: "world" } });
`,
  breaks: `import { shell, workflow } from "skiff";
const breaks = shell({ name: "breaks", image: "alpine", source: "echo about to fail; exit 3" });
export default workflow({ generateName: "breaks-", entrypoint: breaks });
`,
  gate: `import { param, shell, steps, suspend, workflow } from "skiff";
const approval = suspend({
  name: "approval",
  outputs: { approve: param({ valueFrom: { supplied: {} } }) },
});
const release = shell({
  name: "release",
  image: "alpine",
  inputs: { approve: param() },
  source: "echo approved={{inputs.parameters.approve}}",
});
const main = steps("main", (s) => {
  const gate = s.step("approval", approval);
  s.step("release", release, { args: { approve: gate.outputs.approve } });
});
export default workflow({ generateName: "gate-", entrypoint: main });
`,
  // Suspended from the start: it fires only when triggered here.
  nightly: `import { cronWorkflow, shell } from "skiff";
const report = shell({ name: "report", image: "alpine", source: "echo report for {{workflow.scheduledTime}}" });
export default cronWorkflow({
  name: "nightly",
  schedules: ["0 3 * * *"],
  cronSuspend: true,
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 1,
  entrypoint: report,
});
`,
};

beforeAll(async () => {
  mkdirSync(work, { recursive: true });
  const port = await stackBasePort();
  stack = spawn(
    process.execPath,
    [cli, "start", "--port", String(port), "--state-dir", join(work, ".skiff"), "--no-examples"],
    { cwd: work, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const keep = (c: Buffer) => {
    output += c.toString();
  };
  stack.stdout?.on("data", keep);
  stack.stderr?.on("data", keep);
  await waitForOutput(stack, () => output, "Ctrl-C stops everything.");
  for (const [name, source] of Object.entries(PIPELINES)) {
    mkdirSync(join(work, name), { recursive: true });
    writeFileSync(join(work, name, "pipeline.ts"), source);
    const pushed = await skiffCli("push", join(work, name, "pipeline.ts"), "-o", "json");
    expect(pushed.code, pushed.stderr + pushed.stdout).toBe(0);
  }
  skiff = new SkiffClient({ cwd: work, env });
}, 400_000);

afterAll(async () => {
  if (stack && stack.exitCode === null) {
    const exited = new Promise((resolve) => stack.once("exit", resolve));
    stack.kill("SIGINT");
    await exited;
  }
  temp.remove();
});

describe("schedules through the client and the CLI", () => {
  it("lists, resumes, suspends and triggers a cronWorkflow's schedule", { timeout: 180_000 }, async () => {
    const listed = await skiffCli("schedules", "-o", "json");
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).items).toEqual([
      expect.objectContaining({
        pipeline: "nightly",
        version: "v1",
        schedules: ["0 3 * * *"],
        suspended: true,
      }),
    ]);
    // One schedule: its policies, and Argo's history limits shown though Skiff does not apply them.
    const one = await skiffCli("schedules", "nightly");
    expect(one.stdout).toMatch(/^State: +suspended$/m);
    expect(one.stdout).toMatch(/^History: +3 succeeded, 1 failed \(not applied: every run is kept\)$/m);
    const table = await skiffCli("schedules");
    expect(table.stdout).toMatch(/nightly\s+v1\s+0 3 \* \* \*\s+UTC\s+suspended/);

    const resumed = await skiff.schedules.resume("nightly");
    expect(resumed).toMatchObject({
      suspended: false,
      nextFireTimes: [expect.stringMatching(/T03:00:00\.000Z$/)],
    });
    // The table's NEXT column is that firing.
    const active = await skiffCli("schedules");
    expect(active.stdout).toMatch(
      new RegExp(`nightly\\s+v1\\s+0 3 \\* \\* \\*\\s+UTC\\s+active\\s+${resumed.nextFireTimes?.[0]}\\s+-`),
    );
    const suspended = await skiffCli("schedule", "suspend", "nightly", "-o", "json");
    expect(JSON.parse(suspended.stdout)).toMatchObject({ suspended: true });

    const triggered = await skiffCli("schedule", "trigger", "nightly", "-o", "json");
    expect(triggered.code, triggered.stderr).toBe(0);
    const { runId } = JSON.parse(triggered.stdout) as { runId: string };
    const run = skiff.runs.get(runId);
    await run.result();
    expect(await run.describe()).toMatchObject({
      pipeline: "nightly",
      caller: "schedule",
      status: "Succeeded",
    });

    expect((await skiffCli("schedule", "pause", "nightly")).code).toBe(2);
    const missing = await skiffCli("schedule", "trigger", "greet");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/greet has no schedule/);
  });
});

describe("a RunHandle on the embedded stack", () => {
  it("starts a run, describes it, resolves with its outputs and reads its logs", {
    timeout: 180_000,
  }, async () => {
    expect(skiff.context.name).toBe("local");
    const run = await skiff.pipelines.run("greet", { parameters: { who: "client" } });
    expect(run.created).toMatchObject({ pipeline: "greet", version: "v1" });
    const described = await run.describe();
    expect(described).toMatchObject({ runId: run.id, pipeline: "greet", parameters: { who: "client" } });

    expect(await run.result({ timeoutMs: 150_000 })).toEqual({ greeting: "hello, client" });
    const lines = [];
    for await (const line of run.logs()) lines.push(line);
    expect(lines.map((l) => l.text)).toContain("hello, client");
    expect(lines[0]).toMatchObject({ step: expect.any(String), stream: "stdout" });

    // Another process's handle: only the id.
    const again = new SkiffClient({ cwd: work, env }).runs.get(run.id);
    expect((await again.describe()).status).toBe("Succeeded");
    expect((await again.steps()).some((s) => s.type === "Pod" && s.phase === "Succeeded")).toBe(true);

    const listed = await skiff.runs
      .list({ pipeline: "greet", params: { who: "client" }, pageSize: 1 })
      .toArray();
    expect(listed.map((r) => r.runId)).toContain(run.id);
    expect((await skiff.pipelines.list().toArray()).map((p) => p.name).sort()).toEqual([
      "breaks",
      "gate",
      "greet",
      "nightly",
    ]);
    expect((await skiff.pipelines.get("greet")).versions.map((v) => v.version)).toEqual(["v1"]);
    expect(await skiff.pipelines.spec("greet", "v1")).toMatch(/kind: Workflow/);

    expect((await skiffCli("wait", run.id, "-o", "json")).code).toBe(0);
  });

  it("rejects result() of a Failed run with RunFailedError naming the failed step", {
    timeout: 180_000,
  }, async () => {
    const run = await skiff.pipelines.run("breaks");
    const error = await run.result({ timeoutMs: 150_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunFailedError);
    const failed = error as RunFailedError;
    expect(failed).toMatchObject({ runId: run.id, status: "Failed", error: "run-failed" });
    expect(failed.failedSteps).toHaveLength(1);
    expect(failed.failedSteps[0]).toMatchObject({ exitCode: 3 });
    expect(failed.message).toMatch(new RegExp(`run ${run.id} ended Failed: .*skiff logs ${run.id}`));
    const text = [];
    for await (const line of run.logs()) text.push(line.text);
    expect(text).toContain("about to fail");

    const waited = await skiffCli("wait", run.id);
    expect(waited.code).toBe(1);
    expect(waited.stdout).toContain("Failed");

    // The step search by template and phase finds the failed step of this run.
    const steps = await skiff.steps.list({ template: "breaks", status: "Failed" }).toArray();
    expect(steps.map((s) => s.runId)).toContain(run.id);
    const cliSteps = await skiffCli("steps", "--template", "breaks", "--status", "Failed", "-o", "json");
    expect(cliSteps.code, cliSteps.stderr).toBe(0);
    expect(
      (JSON.parse(cliSteps.stdout) as { items: Array<{ runId: string }> }).items.map((s) => s.runId),
    ).toContain(run.id);
  });

  it("resumes a suspended run, setting the suspend template's output", { timeout: 180_000 }, async () => {
    const run = await skiff.pipelines.run("gate");
    // Suspended: a wait with a short time limit gives up (exit 3), the handle's wait rejects with TimeoutError.
    await expect(run.wait({ timeoutMs: 200 })).rejects.toBeInstanceOf(TimeoutError);
    for (let i = 0; i < 600; i++) {
      if ((await run.steps()).some((s) => s.type === "Suspend" && s.phase === "Running")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const timedOut = await skiffCli("wait", run.id, "--timeout", "1s");
    expect(timedOut.code, timedOut.stderr).toBe(3);
    expect(timedOut.stderr).toMatch(/still Running after/);

    await expect(run.resume({ parameters: { nope: "x" } })).rejects.toBeInstanceOf(BadRequestError);
    await expect(run.resume({ node: "release" })).rejects.toBeInstanceOf(ConflictError);
    const resumed = await skiffCli("resume", run.id, "--node", "approval", "-p", "approve=YES", "-o", "json");
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((JSON.parse(resumed.stdout) as { resumed: string[] }).resumed).toHaveLength(1);

    await run.result({ timeoutMs: 150_000 });
    const lines = [];
    for await (const line of run.logs("release")) lines.push(line.text);
    expect(lines).toEqual(["approved=YES"]);
    // A finished run has nothing to resume.
    await expect(run.resume()).rejects.toBeInstanceOf(ConflictError);
  });

  it("says a run id does not exist, from the client and from the CLI", { timeout: 60_000 }, async () => {
    await expect(skiff.runs.get("no-such-run").describe()).rejects.toBeInstanceOf(RunNotFoundError);
    const got = await skiffCli("get", "no-such-run");
    expect(got.code).toBe(1);
    expect(got.stderr.trim()).toBe(
      "skiff: run no-such-run does not exist here; check the id, or the context (skiff context list)",
    );
  });
});

describe("examples/client/start-and-wait.ts", () => {
  it("starts a run on the embedded stack, waits for its result and prints its logs", {
    timeout: 180_000,
  }, async () => {
    // Bundled whole, as a program outside the repository would run: `skiff/client` from the sources here.
    const { build } = await import("esbuild");
    const program = join(temp.path, "start-and-wait.mjs");
    await build({
      entryPoints: [fileURLToPath(new URL("../../../examples/client/start-and-wait.ts", import.meta.url))],
      outfile: program,
      bundle: true,
      platform: "node",
      format: "esm",
      logLevel: "silent",
      plugins: [
        {
          name: "skiff-client",
          setup(b) {
            b.onResolve({ filter: /^skiff\/client$/ }, () => ({
              path: fileURLToPath(new URL("../../../lib/client/index.ts", import.meta.url)),
            }));
          },
        },
      ],
    });
    const out = await execFileP(process.execPath, [program, "greet", "who=example"], {
      cwd: work,
      env,
      timeout: 170_000,
    });
    expect(out.stdout).toMatch(/started run \S+ of greet v1 on local/);
    expect(out.stdout).toContain('Succeeded; outputs: {"greeting":"hello, example"}');
    expect(out.stdout).toContain("hello, example");
  });
});

describe("contexts", () => {
  it("finds the embedded stack as local, keeps saved ones in the XDG directory, and names a missing one", {
    timeout: 60_000,
  }, async () => {
    const listed = await skiffCli("context", "list", "-o", "json");
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ name: "local", current: true, apiUrl: skiff.context.endpoints.apiUrl }),
    ]);
    const added = await skiffCli(
      "context",
      "add",
      "dev",
      "--api-url",
      "https://abc.execute-api.eu-west-1.amazonaws.com",
      "--aws-profile",
      "dev",
    );
    expect(added.code, added.stderr).toBe(0);
    expect(new SkiffClient({ context: "dev", cwd: work, env }).context.endpoints).toMatchObject({
      region: "eu-west-1",
      awsProfile: "dev",
      local: false,
    });
    const missing = await skiffCli("--context", "staging", "list");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/context "staging" does not exist \(known: local, dev\)/);
    const fromEnv = await execFileP(process.execPath, [cli, "list"], {
      cwd: work,
      env: { ...env, SKIFF_CONTEXT: "staging" },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(fromEnv).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/context "staging" does not exist/),
    });
    // `local` stays usable by name whatever is current.
    expect((await skiffCli("context", "use", "dev")).code).toBe(0);
    expect((await skiffCli("--context", "local", "pipelines", "-o", "json")).code).toBe(0);
    expect((await skiffCli("context", "remove", "dev")).code).toBe(0);
  });
});

// Last: the pipeline it pushes would join the list the RunHandle test expects.
describe("build parameters through skiff push -p", () => {
  it("passes them to the pipeline's function and records them on the version", {
    timeout: 180_000,
  }, async () => {
    const file = join(work, "staged", "pipeline.ts");
    mkdirSync(join(work, "staged"), { recursive: true });
    writeFileSync(
      file,
      `import { container, workflow } from "skiff";
export default (params: Record<string, string>) =>
  workflow({
    generateName: "staged-",
    entrypoint: container({ name: "main", image: "alpine", command: ["echo", params.stage ?? "none"] }),
  });
`,
    );
    const pushed = await skiffCli("push", file, "-p", "stage=prod", "-p", "region=eu-west-1", "-o", "json");
    expect(pushed.code, pushed.stderr + pushed.stdout).toBe(0);
    expect(JSON.parse(pushed.stdout)).toMatchObject({
      pipeline: "staged",
      version: "v1",
      ok: true,
      buildParameters: { stage: "prod", region: "eu-west-1" },
    });
    const spec = await skiffCli("spec", "staged");
    expect(spec.stdout).toMatch(/- prod$/m);
    // The same file with another parameter is a new version, recorded with its own.
    const again = await skiffCli("push", file, "-p", "stage=dev", "-o", "json");
    expect(JSON.parse(again.stdout)).toMatchObject({ version: "v2", buildParameters: { stage: "dev" } });
    expect((await skiff.pipelines.get("staged")).versions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ version: "v1", buildParameters: { stage: "prod", region: "eu-west-1" } }),
        expect.objectContaining({ version: "v2", buildParameters: { stage: "dev" } }),
      ]),
    );
  });
});

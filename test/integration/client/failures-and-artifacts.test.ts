// On the embedded stack (`skiff start`, a separate process), through the CLI: a failing Python step's traceback
// in `skiff get`, and a run's artifacts listed with `skiff artifacts` and downloaded with `skiff artifacts get`
// (a single file, and a directory the API packs as Argo's tar+gzip, unpacked unless --raw).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotFoundError, readTarGzip, SkiffClient } from "../../../lib/client";
import { waitForOutput } from "../../support/processes";
import { runSkiff } from "../../support/skiff-cli";
import { stackBasePort } from "../../support/stack-ports";
import { tempDir } from "../../support/temp-dir";

const cli = fileURLToPath(new URL("../../../bin/skiff.js", import.meta.url));
const temp = tempDir("artifacts");
const work = join(temp.path, "project");
const env = { ...process.env, XDG_CONFIG_HOME: join(temp.path, "xdg"), SKIFF_CONTEXT: "", SKIFF_API_URL: "" };
let stack: ChildProcess;
let skiff: SkiffClient;

const skiffCli = (...args: string[]) => runSkiff(args, { env, cwd: work, timeoutMs: 170_000 });

const PIPELINES: Record<string, string> = {
  divide: `import { python, workflow } from "skiff";
const divide = python({
  name: "divide",
  source: "print('dividing')\\ndef ratio(a, b):\\n    return a / b\\nratio(1, 0)",
});
export default workflow({ generateName: "divide-", entrypoint: divide });
`,
  files: `import { artifact, container, dag, workflow } from "skiff";
const produce = container({
  name: "produce",
  image: "alpine",
  command: ["sh", "-c", "echo 'a,b' > /tmp/table.csv; mkdir -p /tmp/out/sub; echo one > /tmp/out/1.txt; echo two > /tmp/out/sub/2.txt"],
  outputs: { table: artifact({ path: "/tmp/table.csv" }), reports: artifact({ path: "/tmp/out" }) },
});
const consume = container({
  name: "consume",
  image: "alpine",
  command: ["sh", "-c", "cat /tmp/in.csv"],
  inputs: { table: artifact({ path: "/tmp/in.csv" }) },
});
const main = dag("main", (d) => {
  const p = d.task("produce", produce);
  d.task("consume", consume, { args: { table: p.outputs.table } });
});
export default workflow({ generateName: "files-", entrypoint: main });
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

describe("failures you can read", () => {
  it("shows a failed Python step's traceback in skiff get and GET /runs/{id}", {
    timeout: 180_000,
  }, async () => {
    const run = await skiff.pipelines.run("divide");
    const finished = await run.wait({ timeoutMs: 150_000 });
    expect(finished.status).toBe("Failed");
    expect(finished.failedSteps?.[0]?.stderrTail).toMatch(
      /Traceback \(most recent call last\):[\s\S]*in ratio[\s\S]*ZeroDivisionError: division by zero$/,
    );
    const got = await skiffCli("get", run.id);
    expect(got.code, got.stderr).toBe(0);
    const lines = got.stdout.split("\n");
    const failedStep = lines.findIndex((l) => /✖ divide/.test(l));
    expect(failedStep).toBeGreaterThanOrEqual(0);
    const under = lines.slice(failedStep + 1).filter((l) => l.includes("│ "));
    expect(under[0]).toContain("Traceback (most recent call last):");
    expect(under.at(-1)).toMatch(/│ ZeroDivisionError: division by zero$/);
  });
});

describe("artifacts", () => {
  it("lists a run's artifacts and downloads them with the CLI", { timeout: 180_000 }, async () => {
    const run = await skiff.pipelines.run("files");
    expect((await run.wait({ timeoutMs: 150_000 })).status).toBe("Succeeded");

    const listed = await skiffCli("artifacts", run.id, "-o", "json");
    expect(listed.code, listed.stderr).toBe(0);
    const { artifacts } = JSON.parse(listed.stdout) as {
      artifacts: Array<{ step: string; direction: string; name: string; key?: string; size?: number }>;
    };
    expect(artifacts.map((a) => [a.step, a.direction, a.name]).sort()).toEqual([
      ["consume", "input", "table"],
      ["produce", "output", "reports"],
      ["produce", "output", "table"],
    ]);
    const table = artifacts.find((a) => a.direction === "output" && a.name === "table");
    expect(table?.key).toMatch(new RegExp(`^artifacts/${run.id}/.+/table$`));
    // Sizes: the bytes the local engine stored ("a,b\n"), on the consumer's input too; a directory has none.
    const sizes = Object.fromEntries(artifacts.map((a) => [`${a.step}/${a.direction}/${a.name}`, a.size]));
    expect(sizes).toEqual({
      "produce/output/table": 4,
      "consume/input/table": 4,
      "produce/output/reports": undefined,
    });
    const text = await skiffCli("artifacts", run.id, "consume");
    expect(text.stdout).toMatch(/consume\s+\S+\s+input\s+table\s+4\b/);

    const out = join(temp.path, "downloads");
    mkdirSync(out, { recursive: true });
    const file = await skiffCli("artifacts", "get", run.id, "produce", "table", "-o", join(out, "t.csv"));
    expect(file.code, file.stderr).toBe(0);
    expect(readFileSync(join(out, "t.csv"), "utf8")).toBe("a,b\n");

    // A directory comes packed as Argo's tar+gzip, unpacked into the named directory…
    const dir = await skiffCli("artifacts", "get", run.id, "produce", "reports", "-o", join(out, "reports"));
    expect(dir.code, dir.stderr).toBe(0);
    expect(readFileSync(join(out, "reports", "1.txt"), "utf8")).toBe("one\n");
    expect(readFileSync(join(out, "reports", "sub", "2.txt"), "utf8")).toBe("two\n");
    // …or kept as the archive with --raw.
    const raw = await skiffCli(
      "artifacts",
      "get",
      run.id,
      "produce",
      "reports",
      "--raw",
      "-o",
      join(out, "r.tgz"),
    );
    expect(raw.code, raw.stderr).toBe(0);
    const entries = await readTarGzip(readFileSync(join(out, "r.tgz")));
    expect(entries.map((e) => e.name).sort()).toEqual(["out/1.txt", "out/sub/2.txt"]);

    // The input side of the consumer is the same object.
    const bytes = await run.downloadArtifact("consume", "table");
    expect(Buffer.from(bytes).toString("utf8")).toBe("a,b\n");
    await expect(run.downloadArtifact("produce", "nope")).rejects.toBeInstanceOf(NotFoundError);
    const missing = await skiffCli("artifacts", "get", run.id, "produce", "nope");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/has no artifact nope \(it has: table, reports\)/);
  });
});

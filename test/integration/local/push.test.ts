// Two `skiff push` of one pipeline name at once, against the embedded stack (`skiff start`, a separate
// process): each push reports the version built from its own upload — its content, its parameters, or its
// own failed build — whatever the other one uploaded meanwhile.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../../lib/client/client";
import { resolveEndpoints } from "../../../lib/client/endpoints";
import {
  latestVersionNumber,
  PipelineBucket,
  planPush,
  versionNumber,
  waitForBuild,
} from "../../../lib/client/push";
import type { PipelineVersion } from "../../../lib/ports/pipeline-store";
import { waitForOutput } from "../../support/processes";
import { stackBasePort } from "../../support/stack-ports";

const run = promisify(execFile);
const cli = fileURLToPath(new URL("../../../bin/skiff.js", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "skiff-push-"));
let stack: ChildProcess;

interface Pushed {
  code: number;
  version: PipelineVersion;
  stderr: string;
}

async function push(file: string, name: string): Promise<Pushed> {
  const args = [cli, "push", file, "--name", name, "-o", "json"];
  const done = await run(process.execPath, args, { cwd: work, timeout: 170_000 }).then(
    (out) => ({ code: 0, stdout: out.stdout, stderr: out.stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: error.code ?? -1,
      stdout: error.stdout ?? "",
      stderr: error.stderr ?? "",
    }),
  );
  if (!done.stdout.trim())
    throw new Error(`skiff push ${file} printed nothing (exit ${done.code}): ${done.stderr}`);
  return { code: done.code, version: JSON.parse(done.stdout) as PipelineVersion, stderr: done.stderr };
}

/** A one-step pipeline declaring one workflow parameter, so that each upload's version is recognisable. */
function pipeline(dir: string, parameter: string): string {
  mkdirSync(join(work, dir), { recursive: true });
  const file = join(work, dir, "pipeline.ts");
  writeFileSync(
    file,
    [
      `import { container, param, workflow, workflowArguments } from "skiff";`,
      `const args = workflowArguments({ ${parameter}: param("x") });`,
      `const say = container({ name: "say", image: "alpine", command: ["echo", "${parameter}"] });`,
      `export default workflow({ generateName: "twin-", entrypoint: say, arguments: args });`,
      "",
    ].join("\n"),
  );
  return file;
}

beforeAll(async () => {
  const port = await stackBasePort();
  stack = spawn(
    process.execPath,
    [cli, "start", "--port", String(port), "--state-dir", join(work, ".skiff"), "--no-examples"],
    { cwd: work, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  stack.stdout?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  stack.stderr?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  await waitForOutput(stack, () => output, "Ctrl-C stops everything.");
});

afterAll(async () => {
  if (stack && stack.exitCode === null) {
    const exited = new Promise((resolve) => stack.once("exit", resolve));
    stack.kill("SIGINT");
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
});

describe("skiff push of one name twice at once", () => {
  it("reports to each push the version built from its own upload", { timeout: 360_000 }, async () => {
    const alpha = pipeline("alpha", "alpha");
    const beta = pipeline("beta", "beta");
    const [a, b] = await Promise.all([push(alpha, "twin"), push(beta, "twin")]);
    expect([a.code, b.code], `${a.stderr}\n${b.stderr}`).toEqual([0, 0]);
    expect(a.version.contentHash).toBe((await planPush(alpha, "twin")).contentHash);
    expect(b.version.contentHash).toBe((await planPush(beta, "twin")).contentHash);
    expect(a.version.parameters.map((p) => p.name)).toEqual(["alpha"]);
    expect(b.version.parameters.map((p) => p.name)).toEqual(["beta"]);
    expect(a.version.version).not.toBe(b.version.version);
    expect([a.version.pipeline, b.version.pipeline]).toEqual(["twin", "twin"]);
  });

  it("reports its own failed build, not the other push's success", { timeout: 360_000 }, async () => {
    const good = pipeline("good", "gamma");
    mkdirSync(join(work, "bad"), { recursive: true });
    const bad = join(work, "bad", "pipeline.ts");
    writeFileSync(
      bad,
      `import { workflow } from "skiff";\nexport default workflow({ entrypoint: missing });\n`,
    );
    const [g, f] = await Promise.all([push(good, "pair"), push(bad, "pair")]);
    expect(g.code, g.stderr).toBe(0);
    expect(g.version.ok).toBe(true);
    expect(g.version.parameters.map((p) => p.name)).toEqual(["gamma"]);
    expect(f.code, f.stderr).toBe(1);
    expect(f.version.ok).toBe(false);
    expect(f.version.contentHash).toBe((await planPush(bad, "pair")).contentHash);
    expect(f.version.diagnostics.some((d) => /missing/.test(d.message))).toBe(true);
  });

  // The orders two CLI processes may or may not happen to hit, made certain: the waits start only after
  // both uploads (the embedded bucket keeps one object per key: the second replaces the first).
  it("finds its own version after the other push's build, and uploads again when its object was replaced before its build read it", {
    timeout: 360_000,
  }, async () => {
    const endpoints = resolveEndpoints({}, work);
    const api = new ApiClient(endpoints);
    const bucket = await PipelineBucket.open(endpoints);
    const notes: string[] = [];
    try {
      const first = await planPush(pipeline("first", "first"), "ordered");
      const second = await planPush(pipeline("second", "second"), "ordered");
      const after = await latestVersionNumber(api, "ordered");
      const firstUpload = await bucket.upload(first);
      const secondUpload = await bucket.upload(second);
      const secondVersion = await waitForBuild(api, bucket, second, {
        contentHash: second.contentHash,
        upload: secondUpload,
        after,
      });
      // The second push's version is recorded before the first push starts waiting. (Not necessarily the latest:
      // the stack builds uploads side by side, as Lambda does, and the first upload's build may record later.)
      expect(versionNumber((await api.getPipeline("ordered", 1)).latestVersion)).toBeGreaterThanOrEqual(
        versionNumber(secondVersion.version),
      );
      const firstVersion = await waitForBuild(
        api,
        bucket,
        first,
        { contentHash: first.contentHash, upload: firstUpload, after },
        { note: (message) => notes.push(message) },
      );
      expect(firstVersion.contentHash).toBe(first.contentHash);
      expect(firstVersion.parameters.map((p) => p.name)).toEqual(["first"]);
      expect(secondVersion.contentHash).toBe(second.contentHash);
      expect(secondVersion.parameters.map((p) => p.name)).toEqual(["second"]);
      // Built from its own upload: either its first one, read before the second replaced it (its build may
      // still record after the second's), or, only when it was replaced first, the one it made again, which
      // is built after the second push's version.
      if (notes.length > 0) {
        expect(notes.join("\n")).toMatch(/replaced pipelines\/ordered\.ts before its build read this upload/);
        expect(versionNumber(firstVersion.version)).toBeGreaterThan(versionNumber(secondVersion.version));
      }
    } finally {
      bucket.close();
    }
  });
});

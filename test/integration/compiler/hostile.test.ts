// The hostile-pipeline corpus (test/fixtures/hostile/cases.ts) through both ways a pipeline is built: the
// `skiff build` CLI as a whole process, and an upload to the bucket (s3rver) built by the build function
// (DynamoDB Local, the embedded EventBridge). Each case is followed by the canary, whose spec must equal its
// golden file byte for byte (no taint survives a build), and nothing may connect to a TCP port the test
// listens on or show a secret kept outside the pipeline's folder.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler } from "../../../functions/build";
import type { Diagnostic } from "../../../lib/compiler/diagnostics";
import {
  HOSTILE_CASES,
  HOSTILE_TIMEOUT_MS,
  type HostileCase,
  type Outcome,
} from "../../fixtures/hostile/cases";
import { type TempDir, tempDir } from "../../support/temp-dir";
import { BUCKET, type Stack, startStack } from "../build-function/harness";

const fixtures = fileURLToPath(new URL("../../fixtures/hostile/", import.meta.url));
const skiff = fileURLToPath(new URL("../../../bin/skiff.js", import.meta.url));
const TOKEN = `hostile-secret-${randomBytes(12).toString("hex")}`;
const CANARY = readFileSync(join(fixtures, "canary.ts"), "utf8");
const GOLDEN = readFileSync(join(fixtures, "canary.golden.yaml"), "utf8");
const NAMES = Object.keys(HOSTILE_CASES);
// A timeout or an out-of-memory stop, then the canary in a fresh isolate: well within this.
const CASE_TIMEOUT_MS = 90_000;

let dir: TempDir;
let secretFile: string;
let server: Server;
let port: number;
const connections: string[] = [];

beforeAll(async () => {
  dir = tempDir("hostile");
  // Outside every pipeline's folder: the secret, a module exporting it, another pipeline's files.
  secretFile = join(dir.path, "secret.txt");
  writeFileSync(secretFile, TOKEN);
  writeFileSync(join(dir.path, "secret.ts"), `export const secret = ${JSON.stringify(TOKEN)};\n`);
  mkdirSync(join(dir.path, "secrets"));
  writeFileSync(join(dir.path, "secrets", "secret.ts"), `export const secret = ${JSON.stringify(TOKEN)};\n`);
  writeFileSync(join(dir.path, "victim.ts"), `export const word = ${JSON.stringify(TOKEN)};\n`);
  mkdirSync(join(dir.path, "victim"));
  writeFileSync(join(dir.path, "victim", "words.ts"), `export const word = ${JSON.stringify(TOKEN)};\n`);
  server = createServer((socket) => {
    connections.push(`${socket.remoteAddress}:${socket.remotePort}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  port = typeof address === "object" && address ? address.port : 0;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  dir?.remove();
});

/** A case's text with the test's port and secret path filled in. */
function caseText(name: string): string {
  return readFileSync(join(fixtures, `${name}.ts`), "utf8")
    .replaceAll("__PORT__", String(port))
    .replaceAll("__SECRET_FILE__", secretFile);
}

function expectOutcome(name: string, diagnostics: Diagnostic[], expected: Outcome): void {
  const errors = diagnostics.filter((d) => d.severity === "error");
  const found = errors.find((d) => expected.code.test(d.code));
  expect(found, `${name}: ${JSON.stringify(diagnostics)}`).toBeDefined();
  expect(found?.message, `${name}: ${JSON.stringify(found)}`).toMatch(expected.message);
}

function expectNothingEscaped(name: string, ...outputs: unknown[]): void {
  expect(JSON.stringify(outputs), `${name} showed the secret`).not.toContain(TOKEN);
  expect(connections, `${name} connected to the test's port`).toEqual([]);
}

describe("the hostile corpus", () => {
  it("has a table entry for every case file, and at least 40 cases", () => {
    const files = readdirSync(fixtures)
      .filter((f) => f.endsWith(".ts") && !["cases.ts", "canary.ts"].includes(f))
      .map((f) => f.slice(0, -".ts".length));
    expect(files.sort()).toEqual([...NAMES].sort());
    expect(NAMES.length).toBeGreaterThanOrEqual(40);
  });
});

describe("hostile pipelines through `skiff build`", () => {
  const env = () => ({
    PATH: process.env.PATH ?? "",
    HOME: dir.path,
    SKIFF_HOSTILE_SECRET: TOKEN,
    SKIFF_BUILD_TIMEOUT_MS: String(HOSTILE_TIMEOUT_MS),
  });
  // The whole process, as a user runs it, in the pipeline's folder; JSON output gives the diagnostics.
  function build(folder: string) {
    const run = spawnSync(
      process.execPath,
      [skiff, "build", "pipeline.ts", "--no-typecheck", "--format", "json", "-p", `port=${port}`],
      { cwd: folder, encoding: "utf8", timeout: CASE_TIMEOUT_MS - 10_000, env: env() },
    );
    return { status: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr };
  }

  function canary(): void {
    const folder = join(dir.path, "canary-cli");
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "pipeline.ts"), CANARY);
    const run = spawnSync(process.execPath, [skiff, "build", "pipeline.ts", "--no-typecheck"], {
      cwd: folder,
      encoding: "utf8",
      timeout: 60_000,
      env: env(),
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(GOLDEN);
  }

  it.each(NAMES)(
    "%s: contained, with its diagnostic; the canary after it is intact",
    (name) => {
      const expected: HostileCase = HOSTILE_CASES[name];
      const folder = join(dir.path, name);
      mkdirSync(folder);
      writeFileSync(join(folder, "pipeline.ts"), caseText(name));
      // Links out of the folder, which the symlink cases import.
      symlinkSync(join(dir.path, "secret.ts"), join(folder, "secret-link.ts"));
      symlinkSync(join(dir.path, "secrets"), join(folder, "outside"));
      const run = build(folder);
      expect(run.signal, `${name} was killed: ${run.stderr}`).toBeNull();
      expect(run.status, `${name}: ${run.stdout}${run.stderr}`).toBe(1);
      const report = JSON.parse(run.stdout) as { ok: boolean; diagnostics: Diagnostic[] };
      expect(report.ok).toBe(false);
      expectOutcome(name, report.diagnostics, expected.cli ?? expected);
      canary();
      expectNothingEscaped(name, run);
    },
    CASE_TIMEOUT_MS,
  );
});

describe("hostile pipelines uploaded to the bucket", () => {
  let stack: Stack;
  let canaries = 0;
  const saved = { ...process.env };

  beforeAll(async () => {
    // Read by the build function's configuration; a planted secret in its environment too.
    process.env.SKIFF_BUILD_TIMEOUT_MS = String(HOSTILE_TIMEOUT_MS);
    process.env.SKIFF_HOSTILE_SECRET = TOKEN;
    stack = await startStack();
    // Another pipeline's files, in both forms, which the cases try to import.
    await stack.upload("pipelines/victim.ts", `export const word = ${JSON.stringify(TOKEN)};\n`);
    await stack.upload("pipelines/victim/words.ts", `export const word = ${JSON.stringify(TOKEN)};\n`);
  });

  afterAll(async () => {
    await stack?.stop();
    for (const key of ["SKIFF_BUILD_TIMEOUT_MS", "SKIFF_HOSTILE_SECRET"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  async function object(key: string): Promise<string> {
    const out = await stack.s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return (await out.Body?.transformToString()) ?? "";
  }

  async function canary(): Promise<void> {
    const name = `canary-${++canaries}`;
    const { results } = await handler(await stack.upload(`pipelines/${name}.ts`, CANARY));
    expect(results[0], `the canary after a case: ${JSON.stringify(results[0])}`).toMatchObject({
      kind: "built",
      created: true,
      version: { ok: true },
    });
    expect(await object(`specs/${name}/v1.yaml`)).toBe(GOLDEN);
  }

  it.each(NAMES)(
    "%s: contained, with its diagnostic; the canary after it is intact",
    async (name) => {
      const expected: HostileCase = HOSTILE_CASES[name];
      const key = expected.folder ? `pipelines/h-${name}/pipeline.ts` : `pipelines/h-${name}.ts`;
      const { results } = await handler(await stack.upload(key, caseText(name)));
      expect(results[0], JSON.stringify(results[0])).toMatchObject({ kind: "built", version: { ok: false } });
      const { version } = results[0] as Extract<(typeof results)[0], { kind: "built" }>;
      expectOutcome(name, version.diagnostics, expected.upload ?? expected);
      await canary();
      await stack.bus.router.idle();
      expectNothingEscaped(name, results, stack.published());
    },
    CASE_TIMEOUT_MS,
  );

  it("stored nothing that carries the secret", async () => {
    const listed = await stack.s3Client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    const keys = (listed.Contents ?? []).map((o) => o.Key ?? "").filter((k) => !k.startsWith("pipelines/"));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(await object(key), key).not.toContain(TOKEN);
    const versions = await Promise.all(NAMES.map((name) => stack.pipelines.listVersions(`h-${name}`)));
    expect(JSON.stringify(versions)).not.toContain(TOKEN);
    expect(connections).toEqual([]);
  });
});

import { execFile, execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// The real CLI (bin/skiff.js → dist/, bundled by the global setup) and the daemon it starts. A temporary
// directory of the test's own (TMPDIR) holds the daemon's socket, so this test's daemon is its own.
const skiff = fileURLToPath(new URL("../../../bin/skiff.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "skiff-daemon-"));
const temp = join(dir, "tmp");
const work = join(dir, "work");
execFileSync("mkdir", ["-p", temp, work]);
const socketDir = join(temp, `skiff-${process.getuid?.() ?? 0}`);

afterAll(() => {
  for (const socket of sockets()) spawnSync("pkill", ["-f", socket]);
  rmSync(dir, { recursive: true, force: true });
});

function run(...args: string[]) {
  return runIn(temp, ...args);
}

function runIn(tmp: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [skiff, ...args], {
    cwd: work,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, TMPDIR: tmp },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `run`, without blocking this process (whose event loop serves a fake daemon). */
function runAsync(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [skiff, ...args],
      { cwd: work, encoding: "utf8", timeout: 60_000, env: { ...process.env, TMPDIR: temp } },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

function sockets(): string[] {
  if (!existsSync(socketDir)) return [];
  return readdirSync(socketDir)
    .filter((name) => name.endsWith(".sock"))
    .map((name) => join(socketDir, name));
}

/** Whether a daemon answers on `socket` (a connection is accepted). */
function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socket);
    probe.on("connect", () => {
      probe.end();
      resolve(true);
    });
    probe.on("error", () => resolve(false));
  });
}

async function daemonSocket(): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    for (const socket of sockets()) if (await answers(socket)) return socket;
    if (Date.now() > deadline) throw new Error(`no daemon answered in ${socketDir}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One request to the daemon as the CLI sends it, and its reply. */
function ask(socket: string, request: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const s = connect(socket);
    let text = "";
    s.setEncoding("utf8");
    s.on("connect", () => s.write(`${JSON.stringify(request)}\n`));
    s.on("data", (chunk: string) => {
      text += chunk;
    });
    s.on("end", () => resolve(JSON.parse(text)));
    s.on("error", reject);
  });
}

writeFileSync(
  join(work, "pipeline.ts"),
  `import { container, workflow } from "skiff";
import { image } from "./settings";

export default (p: Record<string, string>) =>
  workflow({ generateName: "daemon-" + (p.stage ?? "dev") + "-", entrypoint: container({ name: "main", image }) });
`,
);
writeFileSync(join(work, "settings.ts"), `export const image = "alpine:3.20";\n`);
writeFileSync(
  join(work, "typo.ts"),
  `import { container, workflow } from "skiff";

const hello = container({ name: "hello", image: "alpine:3.20", imagePullPolicy: 3 });
export default workflow({ generateName: "typo-", entrypoint: hello });
`,
);

describe("the build daemon", () => {
  it("is started by a first build, which builds in its own process; later builds get the same answers", async () => {
    const alone = run("build", "pipeline.ts", "--no-daemon", "-p", "stage=prod");
    expect(alone.code).toBe(0);
    expect(sockets()).toEqual([]);

    const first = run("build", "pipeline.ts", "-p", "stage=prod");
    expect(first.stderr).toBe("");
    expect(first.stdout).toBe(alone.stdout);
    const socket = await daemonSocket();
    // Only this user may enter the socket's folder.
    expect(statSync(socketDir).mode & 0o777).toBe(0o700);

    // The daemon builds as the CLI asks: the folder's files, the parameters, the formats wanted.
    const reply = await ask(socket, {
      file: join(work, "pipeline.ts"),
      params: { stage: "prod" },
      typecheck: true,
      yaml: true,
      json: true,
    });
    expect(reply).toMatchObject({ ok: true, diagnostics: [], yaml: alone.stdout });
    expect(JSON.parse(String(reply.json)).metadata.generateName).toBe("daemon-prod-");

    const again = run("build", "pipeline.ts", "-p", "stage=prod");
    expect(again).toEqual(first);
    const json = run("build", "pipeline.ts", "-o", "spec.json", "--format", "json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).spec.metadata.generateName).toBe("daemon-dev-");
  });

  it("reports a bad pipeline as the CLI does: file:line:col from the current folder, exit 1, nothing written", async () => {
    await daemonSocket();
    const served = run("build", "typo.ts", "-o", "typo.yaml");
    const alone = run("build", "typo.ts", "-o", "typo.yaml", "--no-daemon");
    expect(served.code).toBe(1);
    expect(served.stderr).toMatch(/^typo\.ts:3:\d+: error typecheck: TS2322/m);
    expect(served).toEqual(alone);
    expect(existsSync(join(work, "typo.yaml"))).toBe(false);
    const lint = run("lint", "typo.ts");
    expect(lint.code).toBe(1);
    expect(lint.stderr).toBe(alone.stderr);
    // `run --local` builds a pipeline.ts the same way, before anything runs.
    const local = run("run", "--local", "typo.ts");
    expect(local.code).toBe(1);
    expect(local.stderr).toMatch(/^typo\.ts:3:\d+: error typecheck: TS2322/m);
    expect(local.stderr).toContain("typo.ts: the pipeline did not build");
    expect(run("run", "--local", "typo.ts", "--no-daemon")).toEqual(local);
  });

  it("answers a request it cannot read with a failure", async () => {
    const socket = await daemonSocket();
    expect(await ask(socket, { file: 42 })).toMatchObject({ failure: expect.any(String) });
  });

  it("never fails a build itself: one that fails or hangs up has the CLI build in its own process", async () => {
    const socket = await daemonSocket();
    const alone = run("build", "pipeline.ts", "--no-daemon");
    // A faulty daemon in the real one's place: it answers every build with a failure, or hangs up.
    spawnSync("pkill", ["-f", socket]);
    // Stopped, it takes its socket file with it.
    await expect.poll(() => existsSync(socket), { timeout: 10_000 }).toBe(false);
    for (const fault of ["failure", "hang-up"]) {
      const faulty = createServer((client) => {
        client.once("data", () => {
          if (fault === "failure") client.end(`${JSON.stringify({ failure: "injected" })}\n`);
          else client.destroy();
        });
      });
      await new Promise<void>((resolve) => faulty.listen(socket, resolve));
      try {
        const built = runAsync("build", "pipeline.ts");
        expect(await built).toEqual({ code: 0, stdout: alone.stdout, stderr: "" });
      } finally {
        await new Promise((resolve) => faulty.close(resolve));
      }
    }
  });

  it("is not started where its socket's folder is open to others: builds run in the command's own process", async () => {
    const open = join(dir, "open-tmp");
    const folder = join(open, `skiff-${process.getuid?.() ?? 0}`);
    mkdirSync(folder, { recursive: true, mode: 0o755 });
    chmodSync(folder, 0o755);
    const built = runIn(open, "build", "pipeline.ts");
    expect(built.code).toBe(0);
    expect(built.stdout).toContain("generateName: daemon-dev-");
    // A daemon would have been started by now (the others answer within a second of a build).
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(readdirSync(folder)).toEqual([]);
  });

  it("is replaced when it dies: a build still succeeds, and starts a new one", async () => {
    expect(run("build", "pipeline.ts").code).toBe(0);
    const socket = await daemonSocket();
    spawnSync("pkill", ["-KILL", "-f", socket]);
    // Killed, it leaves its socket file behind, which no one answers on.
    await expect.poll(() => answers(socket), { timeout: 10_000 }).toBe(false);
    expect(existsSync(socket)).toBe(true);
    const built = run("build", "pipeline.ts", "-p", "stage=prod");
    expect(built.code).toBe(0);
    expect(built.stdout).toContain("generateName: daemon-prod-");
    expect(await daemonSocket()).toBe(socket);
  });
});

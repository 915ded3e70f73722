import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { launcherFor, StepServerPool } from "../../../../lib/engine/local/launcher";
import type { OutputChunk } from "../../../../lib/engine/local/output";
import type { HostProcessSpec } from "../../../../lib/engine/local/process";
import {
  StepServer,
  StepServerDiedError,
  StepServerUnavailableError,
  serverPython,
} from "../../../../lib/engine/local/step-server";

// Real processes through a real python3: the engine's default launcher on any host that has one.
const dir = await mkdtemp(join(tmpdir(), "skiff-step-server-"));
const server = new StepServer();
const hostEnv = { ...(process.env as Record<string, string>) };

afterAll(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

function spec(
  script: string,
  more: Partial<HostProcessSpec> = {},
): HostProcessSpec & { lines: OutputChunk[] } {
  const lines: OutputChunk[] = [];
  return {
    argv: ["sh", "-c", script],
    cwd: dir,
    baseEnv: hostEnv,
    env: {},
    dirs: [],
    files: [],
    onLine: (l) => lines.push(l),
    keepStdoutBytes: 1024,
    lines,
    ...more,
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

async function pidFrom(file: string): Promise<number> {
  expect(await until(async () => existsSync(file) && (await readFile(file, "utf8")).includes("\n"))).toBe(
    true,
  );
  return Number((await readFile(file, "utf8")).trim());
}

describe("the step server", () => {
  it("reports exit codes, and 128+signal for a step killed by a signal", async () => {
    expect((await server.start(spec("exit 0")).done).exitCode).toBe(0);
    expect((await server.start(spec("exit 3")).done).exitCode).toBe(3);
    expect((await server.start(spec("kill -9 $$")).done).exitCode).toBe(137);
  });

  it("captures stdout and stderr as lines and keeps the stdout tail", async () => {
    const s = spec("printf 'one\\ntwo\\n'; echo oops >&2; printf 'no newline'", { keepStdoutBytes: 12 });
    const result = await server.start(s).done;
    expect(result).toMatchObject({ exitCode: 0, stdout: "o\nno newline", killed: false });
    expect(s.lines.filter((l) => l.stream === "stdout").map((l) => l.text)).toEqual([
      "one",
      "two",
      "no newline",
    ]);
    expect(s.lines.filter((l) => l.stream === "stderr").map((l) => l.text)).toEqual(["oops"]);
  });

  it("relays large output intact", async () => {
    const s = spec("seq 1 50000", { keepStdoutBytes: 0 });
    await server.start(s).done;
    expect(s.lines.length).toBe(50000);
    expect(s.lines.at(-1)?.text).toBe("50000");
  });

  it("runs in the step's directory and environment (set and removed variables), with stdin empty", async () => {
    const cwd = join(dir, "step", "fs");
    const baseEnv = { ...hostEnv };
    delete baseEnv.HOME;
    const s = spec(
      'pwd; echo "$STEP_VAR"; [ -n "$HOME" ] && echo "home=$HOME" || echo home=unset; cat; ls -a "$PWD/tmp" | wc -l',
      {
        cwd,
        baseEnv,
        env: { STEP_VAR: "it's here" },
        dirs: [join(cwd, "tmp"), cwd],
      },
    );
    const result = await server.start(s).done;
    expect(result.exitCode).toBe(0);
    expect(s.lines.map((l) => l.text)).toEqual([cwd, "it's here", "home=unset", "2"]);
  });

  it("writes the step's files and looks the command up in the step's PATH", async () => {
    const bin = join(dir, "bin");
    const s = spec("", {
      argv: ["hello-step", "arg"],
      dirs: [bin],
      files: [{ path: join(bin, "hello-step"), text: '#!/bin/sh\necho "hello $1"\n', mode: 0o755 }],
      env: { PATH: `${bin}:${process.env.PATH ?? ""}` },
    });
    expect((await server.start(s).done).exitCode).toBe(0);
    expect(s.lines.map((l) => l.text)).toEqual(["hello arg"]);
  });

  it("reports a command that cannot start as a spawn error, as Node's spawn words it", async () => {
    const result = await server.start(spec("", { argv: ["no-such-command-here"] })).done;
    expect(result.exitCode).toBe(-1);
    expect(result.spawnError?.message).toBe("spawn no-such-command-here ENOENT");
    const blocked = join(dir, "file-not-dir");
    await writeFile(blocked, "");
    const prep = await server.start(spec("true", { dirs: [join(blocked, "sub")] })).done;
    expect(prep.spawnError?.message).toMatch(/^ENOTDIR: .*mkdir/);
  });

  it("says whether the step left its directories as prepared", async () => {
    const root = join(dir, "pristine");
    const layout = { [root]: ["tmp"], [join(root, "tmp")]: [] };
    const clean = await server.start(spec("true", { cwd: root, dirs: [join(root, "tmp")], pristine: layout }))
      .done;
    expect(clean.pristine).toBe(true);
    const dirty = await server.start(spec("touch tmp/left", { cwd: root, pristine: layout })).done;
    expect(dirty.pristine).toBe(false);
    expect((await server.start(spec("true")).done).pristine).toBeUndefined();
  });

  it("sees every change to directories it has found as prepared before (then it checks them by stat)", async () => {
    const root = join(dir, "reused");
    const layout = { [root]: ["tmp"], [join(root, "tmp")]: [] };
    const run = async (script: string, dirs: string[] = []) =>
      (await server.start(spec(script, { cwd: root, dirs, pristine: layout })).done).pristine;
    expect(await run("true", [join(root, "tmp")])).toBe(true);
    // Once their last change is in the past, the server remembers their stat instead of listing them.
    await new Promise((r) => setTimeout(r, 150));
    expect(await run("true")).toBe(true);
    expect(await run("true")).toBe(true);
    expect(await run("touch tmp/left")).toBe(false);
    expect(await run("rm tmp/left")).toBe(true);
    await new Promise((r) => setTimeout(r, 150));
    expect(await run("true")).toBe(true);
    expect(await run("mkdir tmp/d && rmdir tmp/d && touch other")).toBe(false);
    expect(await run("rm other")).toBe(true);
  });

  it("starts a step as the leader of its own process group, with no controlling terminal", async () => {
    // Field 5 of /proc/<pid>/stat is the process group; opening /dev/tty fails without a controlling terminal.
    const check = 'set -- $(cat /proc/$$/stat); [ "$5" = "$$" ] && ! (exec 3</dev/tty) 2>/dev/null';
    expect((await server.start(spec(check)).done).exitCode).toBe(0);
  });

  it("kill ends the step's whole process group, SIGTERM first", async () => {
    const pids = join(dir, "kill.pid");
    const step = server.start(spec(`trap 'echo got TERM; exit 7' TERM; sleep 300 & echo $! > ${pids}; wait`));
    const child = await pidFrom(pids);
    step.kill(5000);
    const result = await step.done;
    expect(result).toMatchObject({ exitCode: 7, killed: true });
    expect(await until(() => !alive(child))).toBe(true);
  });

  it("kill escalates to SIGKILL after the grace period", async () => {
    const ready = join(dir, "stubborn.pid");
    const step = server.start(spec(`trap '' TERM; echo $$ > ${ready}; while :; do sleep 0.05; done`));
    await pidFrom(ready);
    step.kill(100);
    expect(await step.done).toMatchObject({ exitCode: 137, killed: true });
  });

  it("a kill sent right after the start still reaches the step", async () => {
    const step = server.start(spec("sleep 300"));
    step.kill(0);
    expect((await step.done).killed).toBe(true);
  });

  it("ends what a step left running in its group when the step exits", async () => {
    const pids = join(dir, "leftover.pid");
    const result = await server.start(spec(`sleep 300 >/dev/null 2>&1 & echo $! > ${pids}`)).done;
    expect(result.exitCode).toBe(0);
    const child = await pidFrom(pids);
    expect(await until(() => !alive(child))).toBe(true);
  });
});

describe("a pool of step servers", () => {
  it("starts another server only while every one has a step running, and replaces a dead one", async () => {
    const pool = new StepServerPool(2);
    const first = pool.get();
    expect((await first.start(spec("true")).done).exitCode).toBe(0);
    // Idle: the same server again.
    expect(pool.get()).toBe(first);
    const longRunning = first.start(spec("sleep 300"));
    const second = pool.get();
    expect(second).not.toBe(first);
    expect(second.pid).not.toBe(first.pid);
    const started = join(dir, "pool-second.pid");
    const other = second.start(spec(`echo $$ > ${started}; sleep 300`));
    // Both busy and the pool full: the one with the fewest steps.
    expect([first, second]).toContain(pool.get());
    expect(pool.started).toHaveLength(2);
    await pidFrom(started);
    process.kill(second.pid ?? 0, "SIGKILL");
    expect((await other.done).launcherError).toBeInstanceOf(StepServerDiedError);
    const third = pool.get();
    expect(third).not.toBe(second);
    expect(third).not.toBe(first);
    expect((await third.start(spec("exit 4")).done).exitCode).toBe(4);
    longRunning.kill(0);
    expect((await longRunning.done).killed).toBe(true);
    for (const s of pool.started) s.close();
  });

  it("keeps answering with an unavailable server, so that steps fall back to child_process", async () => {
    const pool = new StepServerPool(2, () => new StepServer(join(dir, "no-python3")));
    const s = pool.get();
    expect((await s.start(spec("true")).done).launcherError).toBeInstanceOf(StepServerUnavailableError);
    expect(pool.get()).toBe(s);
  });
});

describe("when the step server dies or cannot start", () => {
  it("fails running steps with a clear error and kills their processes", async () => {
    const doomed = new StepServer();
    const pids = join(dir, "orphan.pid");
    const step = doomed.start(spec(`echo $$ > ${pids}; sleep 300`));
    const pid = await pidFrom(pids);
    process.kill(doomed.pid ?? 0, "SIGKILL");
    const result = await step.done;
    expect(result.exitCode).toBe(-1);
    expect(result.launcherError).toBeInstanceOf(StepServerDiedError);
    expect(result.launcherError?.message).toMatch(
      /^the step server \((?:\S*\/)?python3, pid \d+\) was killed by SIGKILL; the step's processes were killed$/,
    );
    expect(await until(() => !alive(pid))).toBe(true);
    expect(doomed.usable).toBe(false);
    const late = await doomed.start(spec("true")).done;
    expect(late.launcherError?.message).toMatch(/is not running/);
  });

  it("runs on the first python3 on PATH that is a program: past script shims and files it cannot execute", async () => {
    const shims = join(dir, "path", "shims");
    const plain = join(dir, "path", "plain");
    const programs = join(dir, "path", "programs");
    for (const d of [shims, plain, programs]) await mkdir(d, { recursive: true });
    await writeFile(join(shims, "python3"), '#!/bin/sh\nexec python3 "$@"\n', { mode: 0o755 });
    await writeFile(join(plain, "python3"), "not executable", { mode: 0o644 });
    // Any program will do for the lookup: it reads no more than the first two bytes.
    await symlink(process.execPath, join(programs, "python3"));
    const path = [join(dir, "path", "missing"), shims, plain, programs].join(delimiter);
    expect(serverPython(path)).toBe(join(programs, "python3"));
    expect(serverPython([shims, plain].join(delimiter))).toBe("python3");
  });

  it("says so when python3 is missing, and the auto launcher then uses child_process", async () => {
    const missing = new StepServer(join(dir, "no-python3"));
    const result = await missing.start(spec("true")).done;
    expect(result.launcherError).toBeInstanceOf(StepServerUnavailableError);
    expect(result.launcherError?.message).toMatch(/could not be started: spawn .*no-python3 ENOENT/);
    const pool = new StepServerPool(2, () => new StepServer(join(dir, "no-python3")));
    const auto = launcherFor("auto", pool);
    // The first step starts no server; the second tries one, which turns out unavailable.
    for (const code of [5, 6]) {
      const s = spec(`echo via spawn; exit ${code}`);
      expect(await auto.start(s).done).toMatchObject({ exitCode: code });
      expect(s.lines.map((l) => l.text)).toEqual(["via spawn"]);
    }
    expect(pool.started).toHaveLength(1);
    expect(pool.started[0]?.unavailable).toBe(true);
  });

  it("auto: an engine's first step starts no server, later ones go to one, as does a first step once one is ready", async () => {
    const pool = new StepServerPool(1);
    const auto = launcherFor("auto", pool);
    expect(await auto.start(spec("exit 0")).done).toMatchObject({ exitCode: 0 });
    expect(pool.started).toHaveLength(0);
    const second = auto.start(spec(`echo $$ > ${join(dir, "auto-second.pid")}; sleep 300`));
    const [started] = pool.started;
    if (!started) throw new Error("the second step started no server");
    expect(started.running).toBe(1);
    await pidFrom(join(dir, "auto-second.pid"));
    expect(started.ready).toBe(true);
    second.kill(0);
    expect((await second.done).killed).toBe(true);
    const third = launcherFor("auto", pool).start(
      spec(`echo $$ > ${join(dir, "auto-third.pid")}; sleep 300`),
    );
    expect(started.running).toBe(1);
    await pidFrom(join(dir, "auto-third.pid"));
    third.kill(0);
    expect((await third.done).killed).toBe(true);
    expect(pool.started).toHaveLength(1);
    started.close();
  });
});

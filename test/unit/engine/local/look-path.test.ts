import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lookPathError } from "../../../../lib/engine/local/look-path";

describe("lookPathError (Go's exec.LookPath as Argo's emissary calls it)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "look-path-"));
    await mkdir(join(dir, "bin"));
    await writeFile(join(dir, "bin", "tool"), "#!/bin/sh\n");
    await chmod(join(dir, "bin", "tool"), 0o755);
    await writeFile(join(dir, "bin", "data"), "not executable");
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("finds an executable on PATH or by path", async () => {
    expect(await lookPathError("tool", `/nonexistent:${join(dir, "bin")}`, dir)).toBeUndefined();
    expect(await lookPathError(join(dir, "bin", "tool"), "", dir)).toBeUndefined();
    expect(await lookPathError("./bin/tool", "", dir)).toBeUndefined();
  });

  it("words what it cannot find as Go does, naming the command as written", async () => {
    expect(await lookPathError("nope", join(dir, "bin"), dir)).toBe(
      'exec: "nope": executable file not found in $PATH',
    );
    expect(await lookPathError("data", join(dir, "bin"), dir)).toBe(
      'exec: "data": executable file not found in $PATH',
    );
    expect(await lookPathError("/x/y", "", dir)).toBe('exec: "/x/y": stat /x/y: no such file or directory');
    expect(await lookPathError(join(dir, "bin", "data"), "", dir, "/bin/data")).toBe(
      'exec: "/bin/data": permission denied',
    );
    expect(await lookPathError(join(dir, "bin"), "", dir, "/bin")).toBe('exec: "/bin": is a directory');
  });
});

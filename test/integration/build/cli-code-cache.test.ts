import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// bin/skiff.js runs the compiler's program (dist/build/cli.cjs) with the V8 code cache `npm run build`
// writes (dist/build/code-cache/cli.cache). A cache that does not belong to the program on disk must never change what runs.
// Each case gets an installation of its own: the real bin/, dist/build/cli.cjs and the code caches
// copied; the rest of dist/build, lib/ (the DSL's sources) and node_modules linked.
const root = fileURLToPath(new URL("../../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "skiff-code-cache-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const PIPELINE = `import { container, workflow } from "skiff";
export default workflow({ generateName: "cached-", entrypoint: container({ name: "main", image: "alpine:3.20" }) });
`;
writeFileSync(join(work, "pipeline.ts"), PIPELINE);

function install(name: string): string {
  const home = join(work, name);
  mkdirSync(join(home, "bin"), { recursive: true });
  mkdirSync(join(home, "dist", "build"), { recursive: true });
  for (const file of ["skiff.js", "package.json"])
    copyFileSync(join(root, "bin", file), join(home, "bin", file));
  for (const entry of readdirSync(join(root, "dist", "build"))) {
    const from = join(root, "dist", "build", entry);
    if (entry === "cli.cjs") copyFileSync(from, join(home, "dist", "build", entry));
    else if (entry !== "code-cache") symlinkSync(from, join(home, "dist", "build", entry));
  }
  mkdirSync(join(home, "dist", "build", "code-cache"));
  for (const cache of readdirSync(join(root, "dist", "build", "code-cache"))) {
    copyFileSync(
      join(root, "dist", "build", "code-cache", cache),
      join(home, "dist", "build", "code-cache", cache),
    );
  }
  for (const dir of ["lib", "node_modules"]) symlinkSync(join(root, dir), join(home, dir));
  return home;
}

function skiff(home: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [join(home, "bin", "skiff.js"), ...args], {
    cwd: work,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const reference = skiff(install("reference"), "build", "pipeline.ts", "--no-typecheck");

describe("the CLI's code cache", () => {
  it("is written by the build, and a build with it prints the spec", () => {
    for (const name of ["cli", "esbuild"]) {
      expect(readFileSync(join(root, "dist", "build", "code-cache", `${name}.cache`)).length).toBeGreaterThan(
        20_000,
      );
    }
    expect(reference.code).toBe(0);
    expect(reference.stdout).toContain("generateName: cached-");
  });

  it("is ignored when V8 rejects it (corrupt caches), and the build is the same", () => {
    const home = install("corrupt");
    for (const name of ["cli", "esbuild"]) {
      const cache = join(home, "dist", "build", "code-cache", `${name}.cache`);
      const bytes = readFileSync(cache);
      // The source digest (the first 20 bytes) still matches; V8's own data is garbage.
      bytes.fill(0x5a, 20);
      writeFileSync(cache, bytes);
    }
    expect(skiff(home, "build", "pipeline.ts", "--no-typecheck")).toEqual(reference);
  });

  it("is ignored for a program changed since, even one of the very same length", () => {
    const home = install("changed");
    const program = join(home, "dist", "build", "cli.cjs");
    const source = readFileSync(program, "utf8");
    const description = "compile a pipeline.ts (and the files it imports) to an Argo spec";
    const changed = "COMPILE A PIPELINE.TS (AND THE FILES IT IMPORTS) TO AN ARGO SPEC";
    expect(changed).toHaveLength(description.length);
    expect(source).toContain(description);
    writeFileSync(program, source.replace(description, changed));
    const help = skiff(home, "build", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(changed);
    expect(help.stdout).not.toContain(description);
  });

  it("is optional: without one the build is the same", () => {
    const home = install("none");
    rmSync(join(home, "dist", "build", "code-cache"), { recursive: true });
    expect(skiff(home, "build", "pipeline.ts", "--no-typecheck")).toEqual(reference);
  });
});

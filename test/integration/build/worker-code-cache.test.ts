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
import { DEFAULT_HEAP_MB, wrapWorkerProgram } from "../../../lib/build/sandbox/worker-process";

// The sandbox worker compiles its own program and the DSL with the V8 code caches `npm run build` writes
// (dist/build/code-cache/worker.cache and dsl.cache), which the parent sends it. A cache that does not
// belong to the program or DSL on disk must never change what runs. Each case gets an installation of its
// own: bin/, dist/build/cli.cjs, dist/build/sandbox/ and the code caches copied; the rest linked.
const root = fileURLToPath(new URL("../../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "skiff-worker-cache-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const PIPELINE = `import { container, workflow } from "skiff";
export default workflow({ generateName: "cached-", entrypoint: container({ name: "main", image: "alpine:3.20" }) });
`;
writeFileSync(join(work, "pipeline.ts"), PIPELINE);
const CACHES = join(root, "dist", "build", "code-cache");

function install(name: string): string {
  const home = join(work, name);
  mkdirSync(join(home, "bin"), { recursive: true });
  for (const file of ["skiff.js", "package.json"])
    copyFileSync(join(root, "bin", file), join(home, "bin", file));
  for (const dir of ["code-cache", "sandbox"])
    mkdirSync(join(home, "dist", "build", dir), { recursive: true });
  for (const entry of readdirSync(join(root, "dist", "build"))) {
    const from = join(root, "dist", "build", entry);
    if (entry === "cli.cjs") copyFileSync(from, join(home, "dist", "build", entry));
    else if (entry !== "code-cache" && entry !== "sandbox")
      symlinkSync(from, join(home, "dist", "build", entry));
  }
  for (const dir of ["code-cache", "sandbox"]) {
    for (const file of readdirSync(join(root, "dist", "build", dir))) {
      copyFileSync(join(root, "dist", "build", dir, file), join(home, "dist", "build", dir, file));
    }
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

const cacheOf = (home: string, name: string) => join(home, "dist", "build", "code-cache", `${name}.cache`);
/** Rewrites `file` with `from` replaced by `to` (of the same length: V8 only checks a source's length). */
function sameLengthEdit(file: string, from: string, to: string): void {
  expect(to).toHaveLength(from.length);
  const source = readFileSync(file, "utf8");
  expect(source).toContain(from);
  writeFileSync(file, source.replace(from, to));
}

const reference = skiff(install("reference"), "build", "pipeline.ts", "--no-typecheck");

describe("the sandbox worker's code caches", () => {
  it("are written by the build, and V8 takes them under the worker's flags", () => {
    expect(reference.code).toBe(0);
    expect(reference.stdout).toContain("generateName: cached-");
    const program = join(work, "program.js");
    writeFileSync(
      program,
      wrapWorkerProgram(readFileSync(join(root, "dist/build/sandbox/worker.cjs"), "utf8")),
    );
    const dsl = join(work, "dsl.js");
    writeFileSync(dsl, JSON.parse(readFileSync(join(root, "dist/build/sandbox/dsl.json"), "utf8")).code);
    const check = `const { readFileSync } = require("node:fs"); const { Script } = require("node:vm");
      const rejected = (source, cache) => new Script(readFileSync(source, "utf8"), {
        cachedData: readFileSync(cache).subarray(20) }).cachedDataRejected;
      console.log(JSON.stringify([rejected(process.argv[1], process.argv[2]), rejected(process.argv[3], process.argv[4])]));`;
    const args = [program, join(CACHES, "worker.cache"), dsl, join(CACHES, "dsl.cache")];
    for (const name of ["worker", "dsl"])
      expect(readFileSync(join(CACHES, `${name}.cache`)).length).toBeGreaterThan(20_000);
    const run = spawnSync(
      process.execPath,
      [`--max-old-space-size=${DEFAULT_HEAP_MB}`, "-e", check, ...args],
      {
        encoding: "utf8",
      },
    );
    expect(JSON.parse(run.stdout)).toEqual([false, false]);
  });

  it("are ignored when V8 rejects them (corrupt caches), and the build is the same", () => {
    const home = install("corrupt");
    for (const name of ["worker", "dsl"]) {
      const bytes = readFileSync(cacheOf(home, name));
      // The source digest (the first 20 bytes) still matches; V8's own data is garbage.
      bytes.fill(0x5a, 20);
      writeFileSync(cacheOf(home, name), bytes);
    }
    expect(skiff(home, "build", "pipeline.ts", "--no-typecheck")).toEqual(reference);
  });

  it("are ignored when truncated, and the build is the same", () => {
    const home = install("truncated");
    for (const name of ["worker", "dsl"])
      writeFileSync(cacheOf(home, name), readFileSync(cacheOf(home, name)).subarray(0, 10));
    expect(skiff(home, "build", "pipeline.ts", "--no-typecheck")).toEqual(reference);
  });

  it("are optional: without them the build is the same", () => {
    const home = install("none");
    for (const name of ["worker", "dsl"]) rmSync(cacheOf(home, name));
    expect(skiff(home, "build", "pipeline.ts", "--no-typecheck")).toEqual(reference);
  });

  it("are ignored for a worker program changed since, even one of the very same length", () => {
    const home = install("changed-worker");
    // The YAML writer's key order, in the program's top level (which the cache holds compiled).
    sameLengthEdit(join(home, "dist/build/sandbox/worker.cjs"), '"kind","metadata"', '"metadata","kind"');
    const built = skiff(home, "build", "pipeline.ts", "--no-typecheck");
    expect(built.code).toBe(0);
    expect(built.stdout).toContain("metadata:\n  generateName: cached-\nkind: Workflow\n");
  });

  it("are ignored for a DSL changed since, even one of the very same length", () => {
    const home = install("changed-dsl");
    // A constant every build reads (the cache holds the function that reads it compiled).
    sameLengthEdit(
      join(home, "dist/build/sandbox/dsl.json"),
      '\\"argoproj.io/v1alpha1\\"',
      '\\"argoproj.io/v1alpha9\\"',
    );
    // The new DSL's manifest, which the linter rejects (a stale cache would give the old one, which passes).
    const built = skiff(home, "build", "pipeline.ts", "--no-typecheck");
    expect(built.code).not.toBe(0);
    expect(built.stderr).toContain("apiVersion must be");
  });
});

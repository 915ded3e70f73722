import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Workflow } from "../../../lib/argo";
import { initProject, type SkiffOrigin, skiffOrigin } from "../../../lib/cli/commands/init";
import { packageName } from "../../../lib/cli/commands/init-starter";
import { UsageError } from "../../../lib/cli/exit";
import { compilePipeline } from "../../../lib/compiler/compile";
import { formatDiagnostic } from "../../../lib/compiler/diagnostics";
import { directorySourceFiles } from "../../../lib/compiler/source-files";
import { tempDir } from "../../support/temp-dir";

const temp = tempDir("init");
afterAll(() => temp.remove());

/** A skiff installed into `<temp>/app` from a tarball, as `npm i -D ../skiff-1.2.3.tgz` leaves it. */
function installedInto(app: string): SkiffOrigin {
  const root = join(app, "node_modules", "skiff");
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "skiff", version: "1.2.3" }));
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ devDependencies: { skiff: "file:../skiff-1.2.3.tgz" } }),
  );
  return skiffOrigin(root);
}

describe("skiff init", () => {
  const app = join(temp.path, "app");
  const origin = installedInto(app);

  it("knows an installed package, the project that installed it and where it came from", () => {
    expect(origin).toEqual({
      version: "1.2.3",
      root: join(app, "node_modules", "skiff"),
      installed: true,
      home: app,
      spec: `file:${join(temp.path, "skiff-1.2.3.tgz")}`,
    });
  });

  it("inside the installing project writes the starter without a package.json", () => {
    const result = initProject(join(app, "pipelines"), origin);
    expect(result).toEqual({
      dir: join(app, "pipelines"),
      files: ["pipeline.ts", "tsconfig.json", "README.md"],
    });
    expect(readdirSync(join(app, "pipelines")).sort()).toEqual(["README.md", "pipeline.ts", "tsconfig.json"]);
    expect(
      JSON.parse(readFileSync(join(app, "pipelines", "tsconfig.json"), "utf8")).compilerOptions,
    ).toMatchObject({ moduleResolution: "bundler", strict: true });
  });

  it("elsewhere adds a package.json asking for skiff as the installing project did", () => {
    const dir = join(temp.path, "Other Place");
    const result = initProject(dir, origin);
    expect(result.files).toEqual(["pipeline.ts", "tsconfig.json", "README.md", "package.json"]);
    expect(result.install).toBe("npm install");
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))).toMatchObject({
      name: "other-place",
      type: "module",
      devDependencies: { skiff: origin.spec },
    });
    expect(readFileSync(join(dir, "README.md"), "utf8")).toContain("npm install   # once");
  });

  it("keeps a package.json that exists, and refuses to overwrite any starter file, writing nothing", () => {
    const dir = join(temp.path, "existing");
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), "{}");
    writeFileSync(join(dir, "README.md"), "mine");
    expect(() => initProject(dir, origin)).toThrow(UsageError);
    expect(() => initProject(dir, origin)).toThrow(/already has README\.md: skiff init does not overwrite/);
    expect(readdirSync(dir).sort()).toEqual(["README.md", "package.json"]);
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("mine");
  });

  it("from a checkout, points a new project at the checkout and names no version", () => {
    const checkout: SkiffOrigin = {
      version: "0.1.0",
      root: join(temp.path, "skiff"),
      installed: false,
      home: join(temp.path, "skiff"),
    };
    const dir = join(temp.path, "fresh");
    const result = initProject(dir, checkout);
    expect(result.install).toBe(`npm install --save-dev ${checkout.root}`);
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).devDependencies).toBeUndefined();
  });

  it("makes npm package names of directory names", () => {
    expect(packageName("My Pipelines!")).toBe("my-pipelines-");
    expect(packageName(".hidden")).toBe("hidden");
    expect(packageName("...")).toBe("pipelines");
  });

  it("writes a starter pipeline that type-checks and builds to a Spec without diagnostics", async () => {
    const dir = join(temp.path, "compiles");
    initProject(dir, origin);
    const result = await compilePipeline({
      entry: "pipeline.ts",
      files: directorySourceFiles(dir),
      typecheck: true,
    });
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect((result.spec as Workflow).spec.templates?.map((t) => t.name)).toEqual(["main", "greet", "shout"]);
  });
});

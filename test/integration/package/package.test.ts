// Skiff as a user meets it: `npm pack`, installed into a project outside the repository, and used there with
// `tsc`, `npx skiff build|run --local|init` and `import … from "skiff" | "skiff/client"`. One installation
// serves every case (installing takes tens of seconds).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForOutput } from "../../support/processes";
import { stackBasePort } from "../../support/stack-ports";
import { type InstalledProject, installPackedProject, repoVersion } from "./installed-project";

let project: InstalledProject;
beforeAll(async () => {
  project = await installPackedProject();
}, 600_000);
afterAll(() => project?.remove());

const PIPELINE = `import { container, dag, param, workflow } from "skiff";

const produce = container({
  name: "produce",
  image: "alpine",
  command: ["sh", "-c", "echo 42 | tee /tmp/n"],
  outputs: { n: param({ valueFrom: { path: "/tmp/n" } }) },
});
const consume = container({
  name: "consume",
  image: "alpine",
  command: ["sh", "-c", "echo got {{inputs.parameters.n}}"],
  inputs: { n: param() },
});

const main = dag("main", (d) => {
  const a = d.task("a", produce);
  d.task("b", consume, { args: { n: a.outputs.n } });
});

export default workflow({ generateName: "package-", entrypoint: main });
`;

/** `skipLibCheck: false` checks the package's declarations too (the DSL's need no @types/node). */
const tsconfig = (moduleOptions: Record<string, string>, skipLibCheck = false) =>
  JSON.stringify({
    compilerOptions: { ...moduleOptions, strict: true, noEmit: true, skipLibCheck, target: "ES2022" },
    include: ["*.ts"],
  });

/** A folder of the project holding these files. */
function folder(name: string, files: Record<string, string>): string {
  const dir = join(project.dir, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

describe("the packed package", () => {
  it("ships built JavaScript, declarations and the command, not the repository's sources or tests", () => {
    const paths = project.pack.files.map((file) => file.path);
    for (const shipped of [
      "bin/skiff.js",
      "dist/cli/skiff.js",
      "dist/dsl/index.js",
      "dist/client/index.js",
      "dist/types/dsl/index.d.ts",
      "dist/types/client/index.d.ts",
      "dist/sandbox/isolate.js",
      "dist/compiler/typecheck-worker.js",
      "dist/dashboard/index.html",
      "dist/dashboard/assets/app.js",
      "dist/dashboard/assets/app.css",
      "serverless.yml",
    ]) {
      expect(paths).toContain(shipped);
    }
    const sources = paths.filter((path) => /\.[cm]?ts$/.test(path) && !path.endsWith(".d.ts"));
    expect(sources).toEqual([]);
    expect(
      paths.filter((path) => /^(test|scripts|examples|bench|functions|dist\/bench)\//.test(path)),
    ).toEqual([]);
    expect(paths.filter((path) => path.endsWith(".map"))).toEqual([]);

    const installed = join(project.dir, "node_modules", "skiff");
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    expect(manifest.version).toBe(repoVersion());
    expect(manifest.private).toBeUndefined();
    // Only `dependencies` came along: the repository's test runner and deploy tooling did not.
    expect(existsSync(join(project.dir, "node_modules", "vitest"))).toBe(false);
    expect(existsSync(join(project.dir, "node_modules", "osls"))).toBe(false);
    expect(existsSync(join(project.dir, "node_modules", "s3rver"))).toBe(true);
  });

  it("type-checks a pipeline with tsc (bundler and nodenext resolution) and reports a typo at its line", async () => {
    const bundler = folder("typed-bundler", {
      "pipeline.ts": PIPELINE,
      "tsconfig.json": tsconfig({ module: "ESNext", moduleResolution: "bundler" }),
    });
    const nodenext = folder("typed-nodenext", {
      "pipeline.ts": PIPELINE,
      "tsconfig.json": tsconfig({ module: "nodenext" }),
      "package.json": JSON.stringify({ type: "module" }),
    });
    for (const dir of [bundler, nodenext]) {
      const checked = await project.run("npx", ["--no", "tsc"], dir);
      expect(checked.stdout + checked.stderr).toBe("");
      expect(checked.code).toBe(0);
    }

    writeFileSync(join(bundler, "pipeline.ts"), PIPELINE.replace("a.outputs.n", "a.outputs.m"));
    const typo = await project.run("npx", ["--no", "tsc"], bundler);
    expect(typo.code).not.toBe(0);
    expect(typo.stdout).toMatch(/pipeline\.ts\(18,\d+\): error TS2339: Property 'm' does not exist/);
  });

  it("builds a pipeline with npx skiff build", async () => {
    const dir = folder("build", { "pipeline.ts": PIPELINE });
    const built = await project.skiff(["build", "pipeline.ts"], dir);
    expect(built.stderr).toBe("");
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(/^kind: Workflow$/m);
    expect(built.stdout).toMatch(/value: '\{\{tasks\.a\.outputs\.parameters\.n\}\}'/);

    // The build's own type check runs against the installed declarations too.
    writeFileSync(join(dir, "broken.ts"), PIPELINE.replace("a.outputs.n", "a.outputs.m"));
    const broken = await project.skiff(["build", "broken.ts"], dir);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.ts:18:\d+/);
  });

  it("runs a pipeline with npx skiff run --local", async () => {
    const dir = folder("run", { "pipeline.ts": PIPELINE });
    const ran = await project.skiff(["run", "--local", "pipeline.ts", "-o", "json"], dir);
    expect(ran.code, ran.stderr).toBe(0);
    const workflow = JSON.parse(ran.stdout);
    expect(workflow.status.phase).toBe("Succeeded");
    const b = Object.values(
      workflow.status.nodes as Record<string, { displayName: string; inputs?: unknown }>,
    ).find((node) => node.displayName === "b");
    expect(b?.inputs).toEqual({ parameters: [{ name: "n", value: "42" }] });
  });

  it("writes a starter with npx skiff init that type-checks and runs at once, and never overwrites", async () => {
    const init = await project.skiff(["init", "starter"]);
    expect(init.code, init.stderr).toBe(0);
    const starter = join(project.dir, "starter");
    // Inside the project that installed skiff: its package.json and node_modules serve the starter.
    expect(existsSync(join(starter, "package.json"))).toBe(false);
    for (const file of ["pipeline.ts", "tsconfig.json", "README.md"])
      expect(existsSync(join(starter, file))).toBe(true);

    const checked = await project.run("npx", ["--no", "tsc"], starter);
    expect(checked.stdout + checked.stderr).toBe("");
    expect(checked.code).toBe(0);
    const ran = await project.skiff(["run", "--local", "pipeline.ts", "-o", "json"], starter);
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout).status.phase).toBe("Succeeded");

    writeFileSync(join(starter, "pipeline.ts"), "// mine\n");
    const again = await project.skiff(["init", "starter"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("starter already has pipeline.ts, tsconfig.json, README.md");
    expect(readFileSync(join(starter, "pipeline.ts"), "utf8")).toBe("// mine\n");

    // A new project elsewhere gets a package.json asking for skiff where this project got it (the public
    // registry's "skiff" is another package).
    const elsewhere = join(project.work, "New Project");
    const fresh = await project.skiff(["init", elsewhere, "-o", "json"]);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(JSON.parse(fresh.stdout)).toMatchObject({ dir: elsewhere, install: "npm install" });
    const manifest = JSON.parse(readFileSync(join(elsewhere, "package.json"), "utf8"));
    expect(manifest).toMatchObject({ name: "new-project", type: "module" });
    expect(manifest.devDependencies).toEqual({ skiff: `file:${join(project.work, project.pack.filename)}` });
  });
});

/** A Node program in the project that records every module its imports resolve to. */
const probe = (body: string) => `import { registerHooks } from "node:module";
const loaded = [];
registerHooks({
  resolve(specifier, context, next) {
    const resolved = next(specifier, context);
    loaded.push(resolved.url);
    return resolved;
  },
});
${body}
`;

describe("importing the package", () => {
  it('import "skiff" loads the DSL alone: nothing of the AWS SDK or the Kubernetes client', async () => {
    const dir = folder("import-dsl", {
      "probe.mjs": probe(`const dsl = await import("skiff");
console.log(JSON.stringify({ workflow: typeof dsl.workflow, loaded }));`),
    });
    const ran = await project.run(process.execPath, ["probe.mjs"], dir);
    expect(ran.code, ran.stderr).toBe(0);
    const { workflow, loaded } = JSON.parse(ran.stdout) as { workflow: string; loaded: string[] };
    expect(workflow).toBe("function");
    expect(loaded).toContain(`file://${join(project.dir, "node_modules/skiff/dist/dsl/index.js")}`);
    expect(loaded.filter((url) => /@aws-sdk|@smithy|@kubernetes|isolated-vm|esbuild/.test(url))).toEqual([]);
  });

  it("a program imports skiff/client, type-checks against its declarations and constructs a client", async () => {
    const dir = folder("import-client", {
      "program.ts": `import { ApiClient, ApiClientError, type Endpoints } from "skiff/client";

const endpoints: Endpoints = { apiUrl: "http://127.0.0.1:9", local: true };
const client: ApiClient = new ApiClient(endpoints);
console.log(JSON.stringify({ client: client instanceof ApiClient, error: ApiClientError.name }));
`,
      // The client's declarations name Node's types, which a program without @types/node lacks.
      "tsconfig.json": tsconfig({ module: "nodenext" }, true),
      "package.json": JSON.stringify({ type: "module" }),
    });
    const checked = await project.run("npx", ["--no", "tsc"], dir);
    expect(checked.stdout + checked.stderr).toBe("");
    expect(checked.code).toBe(0);
    const ran = await project.run(process.execPath, ["program.ts"], dir);
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual({ client: true, error: "ApiClientError" });
  });
});

describe("against the embedded stack started from the package", () => {
  let stack: ChildProcess;
  let output = "";
  let port = 0;
  beforeAll(async () => {
    port = await stackBasePort();
    // The installed command, as `npx skiff start` runs it (spawned directly, so that Ctrl-C reaches it).
    stack = spawn(
      join(project.dir, "node_modules", ".bin", "skiff"),
      ["start", "--no-examples", "--port", String(port)],
      { cwd: project.dir, env: project.env, stdio: ["ignore", "pipe", "pipe"] },
    );
    const collect = (chunk: Buffer) => {
      output += chunk.toString("utf8");
    };
    stack.stdout?.on("data", collect);
    stack.stderr?.on("data", collect);
    await waitForOutput(stack, () => output, "Ctrl-C stops everything.");
  }, 300_000);
  afterAll(() => {
    if (stack?.exitCode === null) stack.kill("SIGKILL");
  });

  it("keeps its state in the project, where push and run from any folder of it find the stack", async () => {
    expect(output).toContain("state in .skiff");
    expect(JSON.parse(readFileSync(join(project.dir, ".skiff", "stack.json"), "utf8")).apiUrl).toBe(
      `http://127.0.0.1:${port}`,
    );
    const dir = folder("stack/pipelines", { "pipeline.ts": PIPELINE });
    const pushed = await project.skiff(["push", "pipeline.ts", "--name", "packaged", "-o", "json"], dir);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(JSON.parse(pushed.stdout)).toMatchObject({ ok: true, version: "v1" });

    const ran = await project.skiff(["run", "packaged", "--wait", "-o", "json"], dir);
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout.trim().split("\n").at(-1) as string)).toMatchObject({
      pipeline: "packaged",
      status: "Succeeded",
    });
  });

  it("runs examples/client/start-and-wait.ts there: a program starts a run, waits for its result, reads its logs", async () => {
    const example = readFileSync(
      new URL("../../../examples/client/start-and-wait.ts", import.meta.url),
      "utf8",
    );
    const dir = folder("stack/program", {
      "start-and-wait.ts": example,
      "package.json": '{"type":"module"}',
    });
    const ran = await project.run(process.execPath, ["start-and-wait.ts", "packaged"], dir);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^started run \S+ of packaged v1 on local$/m);
    expect(ran.stdout).toContain("Succeeded; outputs:");
    expect(ran.stdout).toMatch(/^b: got 42$/m);
  });

  it("stops on Ctrl-C", async () => {
    const exited = new Promise<number | null>((resolve) => stack.once("exit", (code) => resolve(code)));
    stack.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});

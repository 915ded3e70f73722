import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseYaml } from "../../support/yaml";

// The real CLI (bin/skiff.js → dist/cli/skiff.js, bundled by the global setup), run as a user would.
const skiff = fileURLToPath(new URL("../../../bin/skiff.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "skiff-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  return runWith({}, ...args);
}

function runWith(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [skiff, ...args], {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

writeFileSync(
  join(dir, "pipeline.ts"),
  `import { container, workflow } from "skiff";
import { image } from "./settings";

export default (p: Record<string, string>) =>
  workflow({ generateName: "cli-" + (p.stage ?? "dev") + "-", entrypoint: container({ name: "main", image }) });
`,
);
writeFileSync(join(dir, "settings.ts"), `export const image = "alpine:3.20";\n`);
writeFileSync(
  join(dir, "typo.ts"),
  `import { container, workflow } from "skiff";

const hello = container({ name: "hello", image: "alpine:3.20", imagePullPolicy: 3 });
export default workflow({ generateName: "typo-", entrypoint: hello });
`,
);
writeFileSync(
  join(dir, "bad.yaml"),
  `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: bad-
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - name: a
            template: missing
`,
);

describe("skiff build", () => {
  it("builds a one-file pipeline and a pipeline importing a sibling", () => {
    writeFileSync(
      join(dir, "alone.ts"),
      `import { container, workflow } from "skiff";\nexport default workflow({ generateName: "alone-", entrypoint: container({ name: "main", image: "alpine:3.20" }) });\n`,
    );
    const alone = run("build", "alone.ts", "--no-typecheck");
    expect(alone.stderr).toBe("");
    expect(alone.code).toBe(0);
    expect(parseYaml(alone.stdout).metadata.generateName).toBe("alone-");
    expect(run("build", "pipeline.ts", "--no-typecheck").code).toBe(0);
  });

  it("prints deterministic YAML on stdout and exits 0", () => {
    const first = run("build", "pipeline.ts", "--no-typecheck", "-p", "stage=prod");
    expect(first.code).toBe(0);
    expect(parseYaml(first.stdout).metadata.generateName).toBe("cli-prod-");
    expect(run("build", "pipeline.ts", "--no-typecheck", "-p", "stage=prod").stdout).toBe(first.stdout);
  });

  it("prints a spec larger than a pipe's buffer whole (the CLI exits only once stdout has drained)", () => {
    // 180 tasks (Argo allows 200 per DAG), each with a long argument: about 100 KB of YAML.
    const tasks = Array.from(
      { length: 180 },
      (_, i) => `  d.task("t${i}", say, { args: { msg: "message ${i} ${"x".repeat(400)}" } });`,
    );
    writeFileSync(
      join(dir, "wide.ts"),
      `import { container, dag, param, workflow } from "skiff";
const say = container({ name: "say", image: "alpine:3.20", inputs: { msg: param() }, args: ["{{inputs.parameters.msg}}"] });
const main = dag("main", (d) => {
${tasks.join("\n")}
});
export default workflow({ generateName: "wide-", entrypoint: main });
`,
    );
    // Through a pipe whose reader starts late: the CLI fills the pipe's buffer and must wait for it.
    const printed = spawnSync(
      "sh",
      ["-c", `"${process.execPath}" "${skiff}" build wide.ts --no-typecheck | (sleep 0.5; cat)`],
      { cwd: dir, encoding: "utf8", timeout: 60_000 },
    );
    expect(printed.stderr).toBe("");
    expect(printed.status).toBe(0);
    expect(run("build", "wide.ts", "--no-typecheck", "-o", "wide.yaml").code).toBe(0);
    const written = readFileSync(join(dir, "wide.yaml"), "utf8");
    expect(written.length).toBeGreaterThan(65_536);
    expect(printed.stdout).toBe(written);
  });

  it("writes the spec to -o (JSON for .json) and the spec lints clean", () => {
    expect(run("build", "pipeline.ts", "--no-typecheck", "-o", "spec.yaml").code).toBe(0);
    expect(parseYaml(readFileSync(join(dir, "spec.yaml"), "utf8")).kind).toBe("Workflow");
    expect(run("build", "pipeline.ts", "--no-typecheck", "-o", "spec.json").code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "spec.json"), "utf8")).kind).toBe("Workflow");
    const lint = run("lint", "spec.yaml");
    expect(lint.code).toBe(0);
    expect(lint.stderr).toContain("spec.yaml: ok");
  });

  it("type-checks by default: exit 1, file:line:col, nothing written", () => {
    const r = run("build", "typo.ts", "-o", "typo.yaml");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^typo\.ts:3:\d+: error typecheck: TS2322/m);
    expect(existsSync(join(dir, "typo.yaml"))).toBe(false);
  });

  it("reports as JSON with --format json", () => {
    const r = run("build", "typo.ts", "--format", "json");
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.diagnostics[0]).toMatchObject({ code: "typecheck", file: "typo.ts", line: 3 });
  });

  it("exits 2 on usage errors", () => {
    expect(run("build", "nope.ts").code).toBe(2);
    expect(run("build", "pipeline.ts", "--param", "novalue").code).toBe(2);
    expect(run("build", "pipeline.ts", "--format", "xml").code).toBe(2);
    expect(run("build", "bad.yaml").code).toBe(2);
  });
});

describe("skiff lint", () => {
  it("lints hand-written YAML with file:line:col and spec paths", () => {
    const r = run("lint", "bad.yaml");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'bad.yaml:12:23: error reference.template: task "a" calls unknown template "missing" (at spec.templates[0].dag.tasks[0].template)',
    );
    const json = JSON.parse(run("lint", "bad.yaml", "--format", "json").stdout);
    expect(json.ok).toBe(false);
    expect(json.diagnostics).toHaveLength(1);
  });

  it("lints a pipeline by compiling it", () => {
    const r = run("lint", "typo.ts", "--format", "json");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).diagnostics[0].code).toBe("typecheck");
    expect(run("lint", "pipeline.ts", "--no-typecheck").code).toBe(0);
  });
});

describe("bin/skiff.js run as a command", () => {
  // How `skiff …` runs once installed: the kernel reads the file's `#!/usr/bin/env node` line.
  const command = (...args: string[]) => {
    const r = spawnSync(skiff, args, {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      // The Node these tests run on, first on PATH.
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("builds, lints and prints its version", () => {
    const built = command("build", "pipeline.ts", "--no-typecheck", "-o", "as-command.yaml");
    expect(built.code).toBe(0);
    expect(parseYaml(readFileSync(join(dir, "as-command.yaml"), "utf8")).kind).toBe("Workflow");
    expect(command("lint", "bad.yaml").code).toBe(1);
    const version = command("--version");
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

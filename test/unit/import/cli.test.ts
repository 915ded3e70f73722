// `skiff import` as a user runs it: the bundled CLI, a file or stdin, output on stdout or in a file.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../support/temp-dir";

const SKIFF = fileURLToPath(new URL("../../../bin/skiff.js", import.meta.url));
const dir = tempDir("import-cli");
afterAll(() => dir.remove());

function skiff(args: string[], stdin = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SKIFF, ...args], { cwd: dir.path });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const HELLO = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: hello-
spec:
  entrypoint: say
  templates:
  - name: say
    container: {image: alpine, command: [echo, hello]}
`;

const EXPECTED = `import { container, workflow } from "skiff";

// Workflow from hello.yaml:1

const say = container({ name: "say", image: "alpine", command: ["echo", "hello"] });

export default workflow({ generateName: "hello-", entrypoint: say });
`;

describe("skiff import", () => {
  it("prints the pipeline for a file, formatted", async () => {
    writeFileSync(join(dir.path, "hello.yaml"), HELLO);
    const result = await skiff(["import", "hello.yaml"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(EXPECTED);
  });

  it("reads stdin for - and writes --output", async () => {
    const result = await skiff(["import", "-", "-o", "pipeline.ts"], HELLO);
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir.path, "pipeline.ts"), "utf8")).toBe(
      EXPECTED.replace("hello.yaml:1", "<stdin>:1"),
    );
  });

  it("refuses an unknown kind naming file and line (exit 1)", async () => {
    writeFileSync(
      join(dir.path, "mixed.yaml"),
      `${HELLO}---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\n`,
    );
    const result = await skiff(["import", "mixed.yaml"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain('mixed.yaml:11: cannot import kind "Secret"');
  });

  it("names the line of malformed YAML (exit 1)", async () => {
    const result = await skiff(["import", "-"], "kind: Workflow\nspec:\n  templates: [\n");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^<stdin>:4:1: not valid YAML: /);
  });

  it("exits 2 for a missing file or a document that is not there", async () => {
    expect((await skiff(["import", "missing.yaml"])).code).toBe(2);
    const result = await skiff(["import", "hello.yaml", "--document", "3"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("hello.yaml has 1 document(s); there is no document 3");
  });
});

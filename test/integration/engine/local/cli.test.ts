import { spawn } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { Workflow } from "../../../../lib/argo";
import { removeScratchDirs, scratchDir } from "./helpers";

const SKIFF = fileURLToPath(new URL("../../../../bin/skiff.js", import.meta.url));
const dir = await scratchDir("cli");

afterAll(async () => {
  await removeScratchDirs();
  await rm(dir, { recursive: true, force: true });
});

function skiff(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SKIFF, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const SPEC = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: cli-
spec:
  entrypoint: main
  arguments:
    parameters: [{name: code, value: "0"}]
  templates:
  - name: main
    steps:
    - - name: say
        template: say
    - - name: finish
        template: finish
  - name: say
    container: {image: alpine:3.23, command: [echo, "hello from the cli"]}
  - name: finish
    container: {image: alpine:3.23, command: [sh, -c, "exit {{workflow.parameters.code}}"]}
`;

describe("skiff run --local", () => {
  it("-o json prints the final Workflow and exits 0 when it Succeeded", async () => {
    await writeFile(join(dir, "spec.yaml"), SPEC);
    const r = await skiff(["run", "--local", "spec.yaml", "-o", "json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const wf = JSON.parse(r.stdout) as Workflow;
    expect(wf.kind).toBe("Workflow");
    expect(wf.spec.entrypoint).toBe("main");
    expect(wf.status?.phase).toBe("Succeeded");
    expect(
      Object.values(wf.status?.nodes ?? {})
        .map((n) => n.displayName)
        .sort(),
    ).toEqual([wf.metadata.name, "[0]", "[1]", "finish", "say"].sort());
  });

  it("exits 1 when the workflow fails; --watch prints the node tree (plain lines off a TTY)", async () => {
    await writeFile(join(dir, "spec.yaml"), SPEC);
    const r = await skiff(["run", "--local", "spec.yaml", "-p", "code=3", "--watch"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Status: {4}Failed \(child '.+' failed\)/);
    expect(r.stdout).toMatch(/✖ finish .*main: Error \(exit code 3\)/);
    expect(r.stdout).toMatch(/ say {2}Pod {2}Succeeded/);
  });

  it("exits 2 on usage errors, naming what is wrong", async () => {
    const missing = await skiff(["run", "--local", "nope.yaml"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read nope.yaml");
    const badParam = await skiff(["run", "--local", "spec.yaml", "-p", "novalue"]);
    expect(badParam.code).toBe(2);
    expect(badParam.stderr).toContain('-p expects key=value, got "novalue"');
    await writeFile(join(dir, "bad.yaml"), "kind: Workflow\nspec: [\n");
    const bad = await skiff(["run", "--local", "bad.yaml"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml:\d+:\d+: /);
  });

  it("refuses a cluster-only spec with the engine's message (exit 1)", async () => {
    await writeFile(
      join(dir, "pvc.yaml"),
      SPEC.replace("  templates:", "  volumeClaimTemplates: [{metadata: {name: w}}]\n  templates:"),
    );
    const r = await skiff(["run", "--local", "pvc.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "pvc.yaml: not supported by the local engine: persistent volume claims (volumeClaimTemplates) (workflow spec)",
    );
  });
});

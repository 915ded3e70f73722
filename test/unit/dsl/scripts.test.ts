import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bash, node, param, python, shell, tsStep, workflow } from "skiff";
import { afterAll, describe, expect, it } from "vitest";
import type { ScriptTemplate, Workflow } from "../../../lib/argo";

const work = mkdtempSync(join(tmpdir(), "skiff-dsl-scripts-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function scriptOf(template: Parameters<typeof workflow>[0]["entrypoint"]): ScriptTemplate {
  const spec = workflow({ generateName: "s-", entrypoint: template }).toSpec() as Workflow;
  const script = spec.spec.templates?.[0]?.script;
  if (!script) throw new Error("no script");
  return script;
}

/** Runs a script the way Argo does: source written to a file, its path appended to `command`. */
function runLikeArgo(script: ScriptTemplate, env: Record<string, string> = {}) {
  const file = join(work, `script-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, script.source);
  const [command, ...args] = script.command ?? [];
  const command0 = command === "node" ? process.execPath : command === "python" ? "python3" : command;
  return spawnSync(command0, [...args, file], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
  });
}

describe("script templates", () => {
  it("give each language its interpreter and default image", () => {
    expect(scriptOf(shell({ name: "a", source: "echo" }))).toMatchObject({
      image: "alpine",
      command: ["sh"],
    });
    expect(scriptOf(bash({ name: "a", source: "echo" }))).toMatchObject({ image: "bash", command: ["bash"] });
    expect(scriptOf(node({ name: "a", source: "1" }))).toMatchObject({ image: "node:22", command: ["node"] });
    expect(scriptOf(python({ name: "a", source: "1" }))).toMatchObject({
      image: "python:3.12",
      command: ["python"],
    });
  });

  it("runs a Python script whose dependencies are already importable, offline and without pip", () => {
    const script = scriptOf(
      python({
        name: "deps",
        dependencies: ["pyyaml"],
        requirements: "# comment\npackaging >= 20\n",
        source: "import yaml\nprint('parsed', yaml.safe_load('a: 1')['a'])",
      }),
    );
    expect(script.command).toEqual(["sh"]);
    const run = runLikeArgo(script, { PIP_NO_INDEX: "1" });
    expect(run.stderr).not.toContain("installing");
    expect(run.stdout.trim()).toBe("parsed 1");
    expect(run.status).toBe(0);
  });

  it("installs only the requirements the image lacks, into a venv", () => {
    const script = scriptOf(
      python({ name: "deps", dependencies: ["pyyaml", "packaging>=999"], source: "print('unreachable')" }),
    );
    // No index: pip fails, which proves it was asked for exactly the missing requirement.
    const run = runLikeArgo(script, { PIP_NO_INDEX: "1" });
    expect(run.stderr).toContain("skiff: installing missing Python requirements: packaging>=999\n");
    expect(run.stdout).not.toContain("unreachable");
    expect(run.status).not.toBe(0);
  });

  it("ships a TypeScript function as a Node script: inputs as parameters, return value as result", () => {
    const greet = tsStep({
      name: "greet",
      inputs: { who: param(), times: param("2") },
      run: ({ who, times }) => Array.from({ length: Number(times) }, () => `hi ${who}`).join(" "),
    });
    const script = scriptOf(greet);
    expect(script.env).toEqual([
      { name: "SKIFF_INPUT_0", value: "{{inputs.parameters.who}}" },
      { name: "SKIFF_INPUT_1", value: "{{inputs.parameters.times}}" },
    ]);
    const run = runLikeArgo(script, { SKIFF_INPUT_0: 'it\'s `quoted` "text"', SKIFF_INPUT_1: "3" });
    expect(run.stdout).toBe('hi it\'s `quoted` "text" hi it\'s `quoted` "text" hi it\'s `quoted` "text"');
  });

  it("accepts method shorthand and async functions, and fails the step when the function throws", () => {
    const shorthand = tsStep({
      name: "shorthand",
      async run() {
        await new Promise((resolve) => setImmediate(resolve));
        return { ok: true };
      },
    });
    expect(runLikeArgo(scriptOf(shorthand)).stdout).toBe('{"ok":true}');
    const failing = tsStep({
      name: "failing",
      run() {
        throw new Error("boom");
      },
    });
    const run = runLikeArgo(scriptOf(failing));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("boom");
  });
});

import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalEngine } from "../../../../lib/engine/local";
import {
  alive,
  nodeByDisplayName,
  refOf,
  removeScratchDirs,
  scratchDir,
  sh,
  until,
  workflow,
} from "./helpers";

const dir = await scratchDir("launcher");
const engine = new LocalEngine({ workDir: join(dir, "work"), launcher: "shell", killGraceMs: 500 });

afterAll(async () => {
  await removeScratchDirs();
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the shell launcher", () => {
  it("runs steps with their exit codes, logs and referenced results", async () => {
    const wf = workflow("shell", [
      {
        name: "main",
        steps: [
          [{ name: "say", template: "say" }],
          [
            {
              name: "fail",
              template: "fail",
              continueOn: { failed: true },
              arguments: { parameters: [{ name: "r", value: "{{steps.say.outputs.result}}" }] },
            },
          ],
        ],
      },
      sh("say", "echo 'it''s here'; echo warn >&2"),
      { ...sh("fail", "echo {{inputs.parameters.r}}; exit 4"), inputs: { parameters: [{ name: "r" }] } },
    ]);
    const submitted = await engine.submit(wf, { runId: "run-shell" });
    const done = await engine.wait(refOf(submitted));
    expect(done.status?.phase).toBe("Succeeded");
    const say = nodeByDisplayName(done, "say");
    expect(say.outputs).toMatchObject({ result: "its here", exitCode: "0" });
    expect(nodeByDisplayName(done, "fail")).toMatchObject({
      phase: "Failed",
      message: "main: Error (exit code 4)",
    });
    const lines: string[] = [];
    for await (const l of engine.logs(refOf(done), { nodeId: say.id })) lines.push(`${l.stream}:${l.text}`);
    expect(lines.sort()).toEqual(["stderr:warn", "stdout:its here"]);
  });

  it("terminate kills the step's whole process group", async () => {
    const pids = await scratchDir("launcher-pids");
    const wf = workflow("shellkill", [sh("main", `sleep 300 & echo $! > ${pids}/child.pid; wait`)]);
    const submitted = await engine.submit(wf, { runId: "run-shell-kill" });
    const file = join(pids, "child.pid");
    expect(await until(async () => existsSync(file) && (await readFile(file, "utf8")).trim() !== "")).toBe(
      true,
    );
    const child = Number((await readFile(file, "utf8")).trim());
    expect(await alive(child)).toBe(true);
    await engine.terminate(refOf(submitted));
    const done = await engine.wait(refOf(submitted));
    expect(done.status?.message).toBe("Stopped with strategy 'Terminate'");
    expect(await until(async () => !(await alive(child)))).toBe(true);
  });
});

import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Workflow } from "../../../../lib/argo";
import { LABEL_RUN_ID } from "../../../../lib/engine/labels";
import { LocalDirArtifactStore, LocalEngine } from "../../../../lib/engine/local";
import type { WatchEvent } from "../../../../lib/ports/engine";
import { WorkflowConflictError, WorkflowRejectedError } from "../../../../lib/ports/engine-errors";
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

const scratch = await scratchDir("engine");
const store = new LocalDirArtifactStore(join(scratch, "store"));
const engine = new LocalEngine({ workDir: join(scratch, "work"), artifacts: store, killGraceMs: 500 });

afterAll(async () => {
  await removeScratchDirs();
  await engine.close();
  await rm(scratch, { recursive: true, force: true });
});

async function run(wf: Workflow, runId: string, parameters?: Record<string, string>): Promise<Workflow> {
  const submitted = await engine.submit(wf, { runId, ...(parameters ? { parameters } : {}) });
  return engine.wait(refOf(submitted));
}

describe("LocalEngine submit/get/list", () => {
  it("names, labels and parameters the workflow as Argo does", async () => {
    const wf = workflow("params", [sh("main", "echo {{workflow.parameters.who}}", {})], {
      arguments: { parameters: [{ name: "who", value: "default" }] },
    });
    const submitted = await engine.submit(wf, {
      runId: "run-params",
      parameters: { who: "skiff" },
      labels: { team: "a" },
    });
    expect(submitted.metadata.name).toMatch(/^params-[a-z0-9]{5}$/);
    expect(submitted.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(submitted.metadata.labels).toMatchObject({ [LABEL_RUN_ID]: "run-params", team: "a" });
    expect(submitted.spec.arguments?.parameters).toEqual([{ name: "who", value: "skiff" }]);
    const done = await engine.wait(refOf(submitted));
    expect(done.status?.phase).toBe("Succeeded");
    expect(done.metadata.labels).toMatchObject({
      "workflows.argoproj.io/phase": "Succeeded",
      "workflows.argoproj.io/completed": "true",
    });
    expect(done.status?.progress).toBe("1/1");
    expect(done.status?.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const root = done.status?.nodes?.[done.metadata.name ?? ""];
    expect(root).toMatchObject({
      type: "Pod",
      phase: "Succeeded",
      templateName: "main",
      outputs: { exitCode: "0" },
    });

    const byRun = await engine.list({ labelSelector: `${LABEL_RUN_ID}=run-params` });
    expect(byRun.items.map((w) => w.metadata.name)).toEqual([submitted.metadata.name]);
    const notTeamA = await engine.list({ labelSelector: "team notin (a),skiff.dev/run-id=run-params" });
    expect(notTeamA.items).toEqual([]);
    const completed = await engine.list({ labelSelector: "workflows.argoproj.io/completed=true,team" });
    expect(completed.items.map((w) => w.metadata.name)).toContain(submitted.metadata.name);
    expect(await engine.get({ namespace: "default", name: "does-not-exist" })).toBeUndefined();
    await expect(engine.list({ labelSelector: "a in b" })).rejects.toThrow(
      /invalid label selector term "a in b"/,
    );
  });

  it("refuses cluster-only features at submit, naming the feature and template", async () => {
    const wf = workflow("pvc", [
      {
        name: "main",
        container: {
          image: "alpine:3.23",
          command: ["true"],
          volumeMounts: [{ name: "w", mountPath: "/w" }],
        },
      },
    ]);
    await expect(engine.submit(wf, { runId: "r" })).rejects.toThrow(
      new WorkflowRejectedError("not supported by the local engine: volumeMounts (template main)"),
    );
    const daemon = workflow("d", [{ ...sh("main", "true"), daemon: true }]);
    await expect(engine.submit(daemon, { runId: "r" })).rejects.toThrow(
      "not supported by the local engine: daemons (template main)",
    );
    const claims = workflow("c", [sh("main", "true")], {
      volumeClaimTemplates: [{ metadata: { name: "w" } }],
    });
    await expect(engine.submit(claims, { runId: "r" })).rejects.toThrow(/persistent volume claims/);
  });

  it("fails a step whose image has no host mapping, naming the image", async () => {
    const done = await run(
      workflow("img", [{ name: "main", container: { image: "example.com/unknown:1", command: ["true"] } }]),
      "run-img",
    );
    expect(done.status?.phase).toBe("Error");
    expect(done.status?.message).toBe(
      'image "example.com/unknown:1" has no host mapping in the local engine (add a rule with the images option)',
    );
  });

  it("runs with a configured image rule", async () => {
    const custom = new LocalEngine({
      workDir: join(scratch, "custom"),
      images: [{ match: "example.com/tools", shims: { greet: 'echo "hi $1"' } }],
    });
    const wf = workflow("custom", [
      { name: "main", container: { image: "example.com/tools:2", command: ["greet", "you"] } },
    ]);
    const submitted = await custom.submit(wf, { runId: "run-custom" });
    const done = await custom.wait(refOf(submitted));
    expect(done.status?.phase).toBe("Succeeded");
    const lines = [];
    for await (const line of custom.logs(refOf(submitted))) lines.push(line.text);
    expect(lines).toEqual(["hi you"]);
    await custom.close();
  });
});

describe("LocalEngine outputs and paths", () => {
  it("maps absolute output paths into the step's directory and never touches the real path", async () => {
    const unique = `/tmp/skiff-it-${Date.now()}-${process.pid}.txt`;
    const wf = workflow("paths", [
      {
        name: "main",
        steps: [
          [{ name: "write", template: "write" }],
          [
            {
              name: "read",
              template: "read",
              arguments: { parameters: [{ name: "v", value: "{{steps.write.outputs.parameters.v}}" }] },
            },
          ],
        ],
      },
      {
        ...sh("write", `printf 'hello\\n' > ${unique}; echo out; echo err >&2`),
        outputs: { parameters: [{ name: "v", valueFrom: { path: unique } }] },
      },
      { ...sh("read", "echo got {{inputs.parameters.v}}"), inputs: { parameters: [{ name: "v" }] } },
    ]);
    const done = await run(wf, "run-paths");
    expect(done.status?.phase).toBe("Succeeded");
    expect(existsSync(unique)).toBe(false);
    const write = nodeByDisplayName(done, "write");
    expect(write.outputs?.parameters?.[0]).toMatchObject({ name: "v", value: "hello" });
    // Not referenced as a result by the steps template: no result captured.
    expect(write.outputs?.result).toBeUndefined();
    const lines = [];
    for await (const line of engine.logs(refOf(done), { nodeId: write.id })) lines.push(line);
    expect(lines.map((l) => `${l.stream}:${l.text}`).sort()).toEqual(["stderr:err", "stdout:out"]);
    expect(lines[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(lines[0]?.podName).toBe(
      `${done.metadata.name}-write-${write.id.slice((done.metadata.name ?? "").length + 1)}`,
    );
    const stored = await store.get(`logs/run-paths/${write.id}.log`);
    expect(Buffer.from(stored ?? new Uint8Array()).toString()).toMatch(/ stdout out\n/);
  });

  it("captures a referenced result: stdout minus one trailing newline, last 256 kB", async () => {
    const wf = workflow("result", [
      {
        name: "main",
        steps: [
          [{ name: "big", template: "big" }],
          [
            {
              name: "use",
              template: "use",
              arguments: { parameters: [{ name: "n", value: "{{steps.big.outputs.result}}" }] },
            },
          ],
        ],
      },
      sh("big", "head -c 300000 /dev/zero | tr '\\0' a; printf '\\nEND\\n\\n'"),
      { ...sh("use", "true"), inputs: { parameters: [{ name: "n" }] } },
    ]);
    const done = await run(wf, "run-result");
    const result = nodeByDisplayName(done, "big").outputs?.result ?? "";
    expect(Buffer.byteLength(result)).toBe(256 * 1024 - 1);
    expect(result.endsWith("a\nEND\n")).toBe(true);
  });

  it("passes artifacts between steps through the artifact store", async () => {
    const wf = workflow("art", [
      {
        name: "main",
        steps: [
          [{ name: "make", template: "make" }],
          [
            {
              name: "use",
              template: "use",
              arguments: { artifacts: [{ name: "in", from: "{{steps.make.outputs.artifacts.out}}" }] },
            },
          ],
        ],
      },
      {
        ...sh("make", "mkdir -p /tmp/d/sub; echo one > /tmp/d/a; echo two > /tmp/d/sub/b"),
        outputs: { artifacts: [{ name: "out", path: "/tmp/d" }] },
      },
      {
        ...sh("use", "cat /in/a /in/sub/b > /tmp/r"),
        inputs: { artifacts: [{ name: "in", path: "/in" }] },
        outputs: { parameters: [{ name: "r", valueFrom: { path: "/tmp/r" } }] },
      },
    ]);
    const done = await run(wf, "run-art");
    expect(done.status?.phase).toBe("Succeeded");
    const made = nodeByDisplayName(done, "make").outputs?.artifacts?.[0];
    expect(made?.s3?.key).toMatch(/^artifacts\/run-art\/.+\/out$/);
    expect(await store.list(`${made?.s3?.key}/`)).toEqual([`${made?.s3?.key}/a`, `${made?.s3?.key}/sub/b`]);
    expect(nodeByDisplayName(done, "use").outputs?.parameters?.[0]?.value).toBe("one\ntwo");
  });
});

describe("LocalEngine control", () => {
  it("stop kills running steps (whole process tree, no orphans) and still runs the exit handler", async () => {
    const dir = await scratchDir("stop");
    const wf = workflow(
      "stop",
      [
        sh("main", `sleep 300 & echo $! > ${dir}/child.pid; echo $$ > ${dir}/main.pid; wait`),
        sh("exit", "echo exit {{workflow.status}}"),
      ],
      { onExit: "exit" },
    );
    const submitted = await engine.submit(wf, { runId: "run-stop" });
    const ref = refOf(submitted);
    expect(await until(() => existsSync(join(dir, "child.pid")) && existsSync(join(dir, "main.pid")))).toBe(
      true,
    );
    await until(async () => (await readFile(join(dir, "child.pid"), "utf8")).trim() !== "");
    const child = Number((await readFile(join(dir, "child.pid"), "utf8")).trim());
    const main = Number((await readFile(join(dir, "main.pid"), "utf8")).trim());
    expect(await alive(child)).toBe(true);
    await engine.stop(ref);
    const done = await engine.wait(ref);
    expect(done.status?.phase).toBe("Failed");
    expect(done.status?.message).toBe("Stopped with strategy 'Stop'");
    expect(done.spec.shutdown).toBe("Stop");
    const root = done.status?.nodes?.[ref.name];
    expect(root).toMatchObject({ phase: "Failed", message: "workflow shutdown with strategy:  Stop" });
    expect(done.status?.nodes?.[`${ref.name}-${"x"}`]).toBeUndefined();
    expect(Object.values(done.status?.nodes ?? {}).find((n) => n.name === `${ref.name}.onExit`)?.phase).toBe(
      "Succeeded",
    );
    expect(await until(async () => !(await alive(child)) && !(await alive(main)))).toBe(true);
    await expect(engine.stop(ref)).rejects.toThrow(WorkflowConflictError);
  });

  it("terminate skips the exit handler", async () => {
    const wf = workflow("term", [sh("main", "sleep 300"), sh("exit", "true")], { onExit: "exit" });
    const submitted = await engine.submit(wf, { runId: "run-term" });
    const ref = refOf(submitted);
    await until(async () => (await engine.get(ref))?.status?.nodes?.[ref.name]?.phase === "Running");
    await engine.terminate(ref);
    const done = await engine.wait(ref);
    expect(done.status).toMatchObject({ phase: "Failed", message: "Stopped with strategy 'Terminate'" });
    expect(Object.values(done.status?.nodes ?? {}).map((n) => n.name)).toEqual([ref.name]);
  });

  it("the workflow deadline fails running steps and still runs the exit handler", async () => {
    const wf = workflow("deadline", [sh("main", "sleep 300"), sh("exit", "true")], {
      onExit: "exit",
      activeDeadlineSeconds: 1,
    });
    const done = await run(wf, "run-deadline");
    expect(done.status?.phase).toBe("Failed");
    expect(done.status?.nodes?.[done.metadata.name ?? ""]).toMatchObject({
      phase: "Failed",
      message: "Step exceeded its deadline",
    });
    expect(nodeByDisplayName(done, `${done.metadata.name}.onExit`).phase).toBe("Succeeded");
  });

  it("suspend holds new steps until resume; the watch feed ends with the completed workflow", async () => {
    const wf = workflow("susp", [
      { name: "main", steps: [[{ name: "a", template: "slow" }], [{ name: "b", template: "fast" }]] },
      sh("slow", "sleep 1"),
      sh("fast", "true"),
    ]);
    const abort = new AbortController();
    const events: WatchEvent[] = [];
    const feed = (async () => {
      for await (const e of engine.watch({
        labelSelector: `${LABEL_RUN_ID}=run-susp`,
        signal: abort.signal,
      })) {
        events.push(e);
        if (e.object.metadata.labels?.["workflows.argoproj.io/completed"] === "true") break;
      }
    })();
    const submitted = await engine.submit(wf, { runId: "run-susp" });
    const ref = refOf(submitted);
    const phaseOf = async (displayName: string) =>
      Object.values((await engine.get(ref))?.status?.nodes ?? {}).find((n) => n.displayName === displayName)
        ?.phase;
    expect(await until(async () => (await phaseOf("a")) === "Running")).toBe(true);
    await engine.suspend(ref);
    expect(await until(async () => (await phaseOf("a")) === "Succeeded")).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    const held = await engine.get(ref);
    expect(Object.values(held?.status?.nodes ?? {}).some((n) => n.displayName === "b")).toBe(false);
    expect(held?.status?.phase).toBe("Running");
    await engine.resume(ref);
    const done = await engine.wait(ref);
    expect(done.status?.phase).toBe("Succeeded");
    await feed;
    abort.abort();
    expect(events[0]?.type).toBe("ADDED");
    expect(events.at(-1)?.object.status?.phase).toBe("Succeeded");
    const versions = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
  });

  it("retry re-runs failed steps only, with new parameters; resubmit creates a new workflow", async () => {
    const dir = await scratchDir("retry");
    const wf = workflow(
      "retry",
      [
        {
          name: "main",
          steps: [[{ name: "first", template: "count" }], [{ name: "second", template: "check" }]],
        },
        sh("count", `echo x >> ${dir}/first-runs`),
        sh("check", 'test "{{workflow.parameters.ok}}" = yes'),
      ],
      { arguments: { parameters: [{ name: "ok", value: "no" }] } },
    );
    const failed = await run(wf, "run-retry");
    expect(failed.status?.phase).toBe("Failed");
    expect(failed.status?.message).toMatch(/^child '.+' failed$/);
    const firstNode = nodeByDisplayName(failed, "first");
    await engine.retry(refOf(failed), { parameters: { ok: "yes" } });
    const retried = await engine.wait(refOf(failed));
    expect(retried.status?.phase).toBe("Succeeded");
    expect(retried.metadata.uid).toBe(failed.metadata.uid);
    expect(nodeByDisplayName(retried, "first")).toEqual(firstNode);
    expect((await readFile(join(dir, "first-runs"), "utf8")).trim().split("\n")).toHaveLength(1);
    await expect(engine.retry(refOf(retried))).rejects.toThrow(WorkflowConflictError);

    const again = await engine.resubmit(refOf(retried), { runId: "run-retry-2" });
    expect(again.metadata.name).not.toBe(retried.metadata.name);
    expect(again.metadata.labels?.["workflows.argoproj.io/resubmitted-from-workflow"]).toBe(
      retried.metadata.name,
    );
    expect(again.metadata.labels?.[LABEL_RUN_ID]).toBe("run-retry-2");
    expect((await engine.wait(refOf(again))).status?.phase).toBe("Succeeded");
  });

  it("memoized resubmit carries succeeded pods over as Skipped and runs the rest", async () => {
    const dir = await scratchDir("memo");
    const wf = workflow(
      "memo",
      [
        {
          name: "main",
          steps: [[{ name: "first", template: "count" }], [{ name: "second", template: "check" }]],
        },
        {
          ...sh("count", `echo x >> ${dir}/runs; echo 7 > /tmp/n`),
          outputs: { parameters: [{ name: "n", valueFrom: { path: "/tmp/n" } }] },
        },
        sh("check", 'test "{{workflow.parameters.ok}}" = yes'),
      ],
      { arguments: { parameters: [{ name: "ok", value: "no" }] } },
    );
    const failed = await run(wf, "run-memo");
    expect(failed.status?.phase).toBe("Failed");
    const again = await engine.resubmit(refOf(failed), {
      runId: "run-memo-2",
      memoized: true,
      parameters: { ok: "yes" },
    });
    const done = await engine.wait(refOf(again));
    expect(done.status?.phase).toBe("Succeeded");
    const first = nodeByDisplayName(done, "first");
    expect(first).toMatchObject({
      type: "Skipped",
      phase: "Skipped",
      message: `original pod: ${nodeByDisplayName(failed, "first").id}`,
      outputs: { parameters: [{ name: "n", value: "7" }] },
    });
    expect(nodeByDisplayName(done, "second").phase).toBe("Succeeded");
    expect((await readFile(join(dir, "runs"), "utf8")).trim().split("\n")).toHaveLength(1);
    await expect(engine.resubmit(refOf(done), { runId: "x", memoized: true })).rejects.toThrow(
      WorkflowConflictError,
    );
  });

  it("bounds concurrency: with concurrency 1 no two steps overlap", async () => {
    const dir = await scratchDir("conc");
    const one = new LocalEngine({ workDir: join(scratch, "one"), concurrency: 1 });
    const step = `if [ -e ${dir}/busy ]; then exit 3; fi; touch ${dir}/busy; sleep 0.2; rm ${dir}/busy`;
    const wf = workflow("conc", [
      {
        name: "main",
        steps: [
          [
            { name: "a", template: "s" },
            { name: "b", template: "s" },
            { name: "c", template: "s" },
          ],
        ],
      },
      sh("s", step),
    ]);
    const submitted = await one.submit(wf, { runId: "run-conc" });
    expect((await one.wait(refOf(submitted))).status?.phase).toBe("Succeeded");
    await one.close();
  });
});

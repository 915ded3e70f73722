import { rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Workflow } from "../../../../lib/argo";
import { LocalEngine } from "../../../../lib/engine/local";
import { WorkflowRejectedError } from "../../../../lib/ports/engine-errors";
import { nodeByDisplayName, refOf, removeScratchDirs, scratchDir, sh, workflow } from "./helpers";

const dir = await scratchDir("features");
const engine = new LocalEngine({ workDir: join(dir, "work"), semaphores: { "limits/build": 1 } });
let server: Server;
let base = "";
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    if (req.url === "/missing") {
      res.writeHead(404).end("not here");
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await removeScratchDirs();
  await engine.close();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function run(wf: Workflow): Promise<Workflow> {
  const submitted = await engine.submit(wf, { runId: `run-${wf.metadata.generateName}` });
  return engine.wait(refOf(submitted));
}

describe("http templates", () => {
  it("makes real requests: body as result, non-2xx fails, successCondition decides", async () => {
    const http = (name: string, url: string, successCondition?: string) => ({
      name,
      http: { url, method: "GET", ...(successCondition ? { successCondition } : {}) },
    });
    const wf = workflow("http", [
      {
        name: "main",
        steps: [
          [
            { name: "good", template: "good" },
            { name: "bad", template: "bad", continueOn: { failed: true } },
            { name: "cond", template: "cond", continueOn: { failed: true } },
          ],
        ],
      },
      http("good", `${base}/hello`),
      http("bad", `${base}/missing`),
      http("cond", `${base}/hello`, "response.statusCode == 201"),
    ]);
    const done = await run(wf);
    expect(done.status?.phase).toBe("Succeeded");
    expect(nodeByDisplayName(done, "good")).toMatchObject({
      type: "HTTP",
      phase: "Succeeded",
      outputs: { result: '{"ok":true}' },
    });
    expect(nodeByDisplayName(done, "bad")).toMatchObject({
      phase: "Failed",
      message: "received non-2xx response code: 404",
    });
    expect(nodeByDisplayName(done, "cond").phase).toBe("Failed");
    expect(hits).toContain("GET /missing");
  });
});

describe("hooks and synchronization", () => {
  it("fires a workflow lifecycle hook once and a step exit hook with the step's outputs", async () => {
    const wf = workflow(
      "hooks",
      [
        {
          name: "main",
          steps: [
            [
              {
                name: "work",
                template: "work",
                hooks: {
                  exit: {
                    template: "echo",
                    arguments: { parameters: [{ name: "m", value: "{{steps.work.outputs.parameters.v}}" }] },
                  },
                },
              },
            ],
          ],
        },
        {
          ...sh("work", "sleep 0.5; echo 42 > /tmp/v"),
          outputs: { parameters: [{ name: "v", valueFrom: { path: "/tmp/v" } }] },
        },
        { ...sh("echo", "echo {{inputs.parameters.m}}"), inputs: { parameters: [{ name: "m" }] } },
        sh("notify", "echo running"),
      ],
      { hooks: { running: { template: "notify", expression: 'workflow.status == "Running"' } } },
    );
    const done = await run(wf);
    expect(done.status?.phase).toBe("Succeeded");
    const names = Object.values(done.status?.nodes ?? {}).map((n) => n.name);
    expect(names.filter((n) => n === `${done.metadata.name}.hooks.running`)).toHaveLength(1);
    const exit = nodeByDisplayName(done, "work.onExit");
    expect(exit.inputs?.parameters?.[0]).toMatchObject({ name: "m", value: "42" });
    expect(nodeByDisplayName(done, "work").children).toContain(exit.id);
  });

  it("serialises a configured semaphore and refuses an unconfigured one", async () => {
    const busy = join(dir, "busy");
    const guarded = {
      ...sh("guarded", `if [ -e ${busy} ]; then exit 3; fi; touch ${busy}; sleep 0.2; rm ${busy}`),
      synchronization: { semaphores: [{ configMapKeyRef: { name: "limits", key: "build" } }] },
    };
    const wf = workflow("sem", [
      {
        name: "main",
        steps: [
          [
            { name: "a", template: "guarded" },
            { name: "b", template: "guarded" },
          ],
        ],
      },
      guarded,
    ]);
    expect((await run(wf)).status?.phase).toBe("Succeeded");
    const other = workflow("sem2", [
      {
        ...sh("main", "true"),
        synchronization: { semaphores: [{ configMapKeyRef: { name: "x", key: "y" } }] },
      },
    ]);
    await expect(engine.submit(other, { runId: "r" })).rejects.toThrow(WorkflowRejectedError);
  });

  it("a template timeout fails the step with the pod deadline message and kills it", async () => {
    const wf = workflow("timeout", [{ ...sh("main", "sleep 30"), timeout: "1s" }]);
    const done = await run(wf);
    expect(done.status?.phase).toBe("Failed");
    expect(done.status?.nodes?.[done.metadata.name ?? ""]?.message).toBe(
      "Pod was active on the node longer than the specified deadline",
    );
  });

  it("retries with backoff and reports the attempts as Argo does", async () => {
    const wf = workflow("retry", [
      {
        ...sh("main", "exit 2"),
        retryStrategy: { limit: "2", backoff: { duration: "0.1", factor: "2" } },
      },
    ]);
    const done = await run(wf);
    const root = done.status?.nodes?.[done.metadata.name ?? ""];
    expect(root).toMatchObject({ type: "Retry", phase: "Failed", message: "No more retries left" });
    expect(root?.children?.map((id) => done.status?.nodes?.[id]?.displayName)).toEqual([
      `${done.metadata.name}(0)`,
      `${done.metadata.name}(1)`,
      `${done.metadata.name}(2)`,
    ]);
    expect(root?.children?.every((id) => done.status?.nodes?.[id]?.nodeFlag?.retried)).toBe(true);
  });
});

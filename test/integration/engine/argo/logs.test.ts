import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Workflow } from "../../../../lib/argo";
import { createArgoEngine } from "../../../../lib/engine/argo";
import { LocalEngine } from "../../../../lib/engine/local";
import type { Engine } from "../../../../lib/ports/engine";
import { WorkflowNotFoundError } from "../../../../lib/ports/engine-errors";
import { LocalEngineController } from "../../../support/fake-k8s/local-engine-controller";
import { FakeKubeApiServer } from "../../../support/fake-k8s/server";
import { tempDir } from "../../../support/temp-dir";

/** Step logs through the pod log API (v2 pod names, container `main`), also followed while the step runs. */
let local: LocalEngine;
const work = tempDir("engine");
let server: FakeKubeApiServer;
let engine: Engine;

beforeAll(async () => {
  local = new LocalEngine({ namespace: "skiff", workDir: work.path });
  const controller = new LocalEngineController(local);
  server = new FakeKubeApiServer({ controller });
  controller.attach(server);
  const url = await server.start();
  engine = createArgoEngine({
    cluster: { mode: "server", server: url, skipTLSVerify: true, token: { token: async () => "t" } },
    namespace: "skiff",
  });
});
afterAll(async () => {
  await server.stop();
  await local.close();
  work.remove();
});

const TICKER: Workflow = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Workflow",
  metadata: { generateName: "ticker-" },
  spec: {
    entrypoint: "tick",
    templates: [
      {
        name: "tick",
        container: {
          image: "alpine:3.20",
          command: ["sh", "-c"],
          args: ["echo first; sleep 1.5; echo second"],
        },
      },
    ],
  },
};

describe("logs", () => {
  it("follows a running step until it ends, reading its pod by Argo's v2 name and container main", async () => {
    const created = await engine.submit(TICKER, { runId: `run-${randomUUID()}` });
    const ref = { namespace: "skiff", name: created.metadata.name! };
    for (;;) {
      const wf = await engine.get(ref);
      if (wf?.status?.nodes?.[ref.name]?.phase === "Running") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const texts: string[] = [];
    for await (const line of engine.logs(ref, { follow: true })) {
      expect(line.nodeId).toBe(ref.name);
      expect(line.podName).toBe(ref.name); // a root pod node's pod is named after the workflow
      texts.push(line.text);
    }
    expect(texts).toEqual(["first", "second"]);
    const request = server.requests.find((r) => r.path.includes("/log?"));
    expect(request?.path).toMatch(
      new RegExp(`/api/v1/namespaces/skiff/pods/${ref.name}/log\\?container=main&follow=true`),
    );
    expect(request?.path).toContain("timestamps=true");
    const done = await engine.get(ref);
    expect(done?.status?.phase).toBe("Succeeded");
  });

  it("names a missing step", async () => {
    const created = await engine.submit(TICKER, { runId: `run-${randomUUID()}` });
    const ref = { namespace: "skiff", name: created.metadata.name! };
    const consume = async () => {
      for await (const _ of engine.logs(ref, { nodeId: "no-such-node" })) {
        // nothing
      }
    };
    await expect(consume()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });
});

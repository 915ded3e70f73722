import { afterEach, describe, expect, it } from "vitest";
import type { Workflow } from "../../../../lib/argo";
import { LocalEngine } from "../../../../lib/engine/local";
import { tempDir } from "../../../support/temp-dir";

const spec = (command: string): Workflow => ({
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Workflow",
  metadata: { generateName: "journal-" },
  spec: {
    entrypoint: "main",
    templates: [
      {
        name: "main",
        dag: {
          tasks: [
            { name: "a", template: "step" },
            { name: "b", template: "step", depends: "a" },
          ],
        },
      },
      { name: "step", container: { image: "alpine", command: ["sh", "-c", command] } },
    ],
  },
});

describe("the local engine's workflows across a restart (stateDir)", () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function engineOn(state: string, work: string): LocalEngine {
    const engine = new LocalEngine({ stateDir: state, workDir: work, launcher: "spawn" });
    cleanups.push(() => engine.close());
    return engine;
  }

  it("a new engine on the same state knows finished workflows as they ended, with their nodes", async () => {
    const state = tempDir("journal-state");
    const work = tempDir("journal-work");
    cleanups.push(state.remove, work.remove);
    const first = engineOn(state.path, work.path);
    const submitted = await first.submit(spec("echo ok"), { runId: "r-1" });
    const ref = { namespace: "default", name: submitted.metadata.name as string };
    const ended = await first.wait(ref);
    expect(ended.status?.phase).toBe("Succeeded");

    const second = engineOn(state.path, work.path);
    const restored = await second.get({ ...ref, uid: submitted.metadata.uid });
    expect(restored?.status?.phase).toBe("Succeeded");
    expect(restored?.status?.nodes).toEqual(ended.status?.nodes);
    expect((await second.list({ labelSelector: "skiff.dev/run-id=r-1" })).items).toHaveLength(1);
  });

  it("ends a workflow it had not finished as Error naming the phase it had, never as another outcome", async () => {
    const state = tempDir("journal-state");
    const work = tempDir("journal-work");
    cleanups.push(state.remove, work.remove);
    const first = engineOn(state.path, work.path);
    const submitted = await first.submit(spec("sleep 30"), { runId: "r-2" });
    const ref = { namespace: "default", name: submitted.metadata.name as string };
    // The first engine is still running it: to the second, it is what a killed engine left behind.
    const second = engineOn(state.path, work.path);
    const lost = await second.get(ref);
    expect(lost?.status?.phase).toBe("Error");
    expect(lost?.status?.message).toMatch(/stopped while the workflow was (Pending|Running)/);
    expect(lost?.metadata.labels?.["workflows.argoproj.io/completed"]).toBe("true");
    for (const node of Object.values(lost?.status?.nodes ?? {})) expect(node.phase).not.toBe("Succeeded");
    // Terminal: a third engine keeps that end as it is.
    const third = engineOn(state.path, work.path);
    expect((await third.get(ref))?.status?.finishedAt).toBe(lost?.status?.finishedAt);
  });
});

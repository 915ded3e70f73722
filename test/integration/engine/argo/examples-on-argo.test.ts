import { afterAll, describe, expect, it } from "vitest";
import type { Workflow } from "../../../../lib/argo";
import { createArgoEngine } from "../../../../lib/engine/argo";
import { LocalEngine } from "../../../../lib/engine/local";
import { exhaustedRandomRetries, loadExample, readManifest } from "../../../conformance/argo/support";
import { LocalEngineController } from "../../../support/fake-k8s/local-engine-controller";
import { FakeKubeApiServer } from "../../../support/fake-k8s/server";
import { tempDir } from "../../../support/temp-dir";

/**
 * Argo's own examples submitted through the Argo engine to the fake API server (every create is
 * validated against Argo's schema there), executed by the local-engine controller: each ends in the
 * phase Argo's e2e suite expects, and the status read back over the wire is exactly the controller's.
 * Not run here: examples that need the cluster, the internet, minutes of run time (listed, or labelled
 * `no-test: duration` upstream), or a person to resume them (test/conformance/argo covers those semantics on the local engine directly).
 */
const NOT_HERE = new Set([
  "exit-handler-slack.yaml",
  "http-hello-world.yaml",
  "http-success-condition.yaml",
  "life-cycle-hooks-tmpl-level.yaml",
  "life-cycle-hooks-wf-level.yaml",
  "colored-logs.yaml",
  "forever.yaml",
  "synchronization-mutex-tmpl-level.yaml",
  "intermediate-parameters.yaml",
  "suspend-template.yaml",
  "suspend-template-outputs.yaml",
]);

const rows = readManifest()
  .filter(
    // Selected by a pattern so a run can be narrowed: SKIFF_EXAMPLES=dag- npx vitest run <this file>.
    (r) => r.file.includes(process.env.SKIFF_EXAMPLES ?? ""),
  )
  .filter(
    (r) =>
      !r.needsCluster &&
      r.kind === "Workflow" &&
      /^(Succeeded|Failed|Error)$/.test(r.expectedPhase) &&
      !NOT_HERE.has(r.file) &&
      // Upstream marks the long-running ones (minutes of sleep) `no-test: duration`.
      loadExample(r.file).metadata?.labels?.["workflows.argoproj.io/no-test"] !== "duration",
  );

const work = tempDir("engine");
const local = new LocalEngine({ namespace: "argo", concurrency: 32, workDir: work.path });
const controller = new LocalEngineController(local);
const server = new FakeKubeApiServer({ controller });
controller.attach(server);
const ready = server.start().then((url) =>
  createArgoEngine({
    cluster: { mode: "server", server: url, skipTLSVerify: true, token: { token: async () => "t" } },
    namespace: "argo",
  }),
);

const TERMINAL = new Set(["Succeeded", "Failed", "Error"]);
const isFinished = (wf: Workflow) =>
  wf.metadata.labels?.["workflows.argoproj.io/completed"] === "true" && TERMINAL.has(wf.status?.phase ?? "");

// Finished workflows are taken from the watch stream, as Skiff's watcher takes them: a polling reader can
// miss a run whose ttlStrategy deletes it seconds after it ends (gc-ttl.yaml) when the machine is busy.
const finished = new Map<string, { wf: Workflow; local?: Workflow }>();
const waiting = new Map<string, () => void>();
const stopWatch = new AbortController();
const watching = ready.then(async (engine) => {
  try {
    for await (const event of engine.watch({ signal: stopWatch.signal })) {
      const wf = event.object;
      const name = wf.metadata.name!;
      if (event.type === "DELETED" || finished.has(name) || !isFinished(wf)) continue;
      finished.set(name, { wf, local: await local.get({ namespace: "argo", name }) });
      waiting.get(name)?.();
    }
  } catch (error) {
    if (!stopWatch.signal.aborted) throw error;
  }
});
watching.catch(() => {});

const outcomes = new Map<string, Promise<{ wf: Workflow; local?: Workflow } | { error: Error }>>();
for (const row of rows) {
  outcomes.set(
    row.file,
    (async () => {
      try {
        const engine = await ready;
        const created = await engine.submit(loadExample(row.file), {
          runId: `example-${row.file.replace(/\W/g, "-")}`,
        });
        const name = created.metadata.name!;
        const ended = new Promise<void>((resolve) => waiting.set(name, resolve));
        if (!finished.has(name)) {
          const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 90_000).unref());
          if (
            (await Promise.race([ended, timeout, watching.then(() => "watch ended" as const)])) !== undefined
          ) {
            const wf = await engine.get({ namespace: "argo", name });
            return { error: new Error(`still ${wf?.status?.phase} after 90 s (or the watch ended)`) };
          }
        }
        return finished.get(name)!;
      } catch (error) {
        return { error: error as Error };
      }
    })(),
  );
}

afterAll(async () => {
  stopWatch.abort();
  await server.stop();
  await local.close();
  work.remove();
});

describe("Argo examples through the Argo engine and the fake API server", () => {
  it("runs a substantial set of examples", () => {
    expect(rows.length).toBeGreaterThanOrEqual(70);
  });
  for (const row of rows) {
    it(`${row.file} ends ${row.expectedPhase}`, async () => {
      const outcome = await outcomes.get(row.file)!;
      if ("error" in outcome) throw outcome.error;
      if (!exhaustedRandomRetries(row.file, outcome.wf))
        expect(outcome.wf.status?.phase).toBe(row.expectedPhase);
      // (A TTL strategy may already have deleted the controller's copy.)
      if (outcome.local) expect(outcome.wf.status).toEqual(outcome.local.status);
    }, 120_000);
  }
});

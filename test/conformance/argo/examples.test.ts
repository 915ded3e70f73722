import { afterAll, describe, expect, it } from "vitest";
import type { Workflow } from "../../../lib/argo";
import { LocalEngine } from "../../../lib/engine/local";
import { WorkflowRejectedError } from "../../../lib/ports/engine-errors";
import { activeSuspend, exhaustedRandomRetries, loadExample, readManifest, treeOf, waitFor } from "./support";
import { EXPECTED_TREES } from "./trees";

/** Eligible examples not run here, each with its reason (internet access or more than 60 s). */
const EXCLUDED: Record<string, string> = {
  "exit-handler-slack.yaml": "needs the internet (curls a Slack webhook)",
  "http-hello-world.yaml": "needs the internet (http template against a public URL)",
  "http-success-condition.yaml": "needs the internet (httpbin.org, google.com)",
  "life-cycle-hooks-tmpl-level.yaml": "needs the internet (hooks call a public URL)",
  "life-cycle-hooks-wf-level.yaml": "needs the internet (hooks call a public URL)",
  "colored-logs.yaml": "runs about 100 s (99 lines, one per second)",
  "forever.yaml": "runs about 1000 s",
  "synchronization-mutex-tmpl-level.yaml": "runs over 60 s (5 × 50 s serialised by a mutex)",
};

/** Examples whose spec is not a Workflow (expected phase n/a): the engine must refuse them clearly. */
const NOT_A_WORKFLOW = new Set(["CronWorkflow", "WorkflowTemplate", "ClusterWorkflowTemplate"]);

const rows = readManifest().filter((r) => !r.needsCluster);
const engine = new LocalEngine({ concurrency: 96, cleanWorkDirs: true });

/** Suspend examples are driven from here, as a user would with `argo resume` / `argo node set`. */
const DRIVERS: Record<string, (ref: { namespace: string; name: string }) => Promise<void>> = {
  "intermediate-parameters.yaml": async (ref) => {
    if (await waitFor(engine, ref, (wf) => activeSuspend(wf, "approval"))) await engine.resume(ref);
  },
  "suspend-template.yaml": async (ref) => {
    if (await waitFor(engine, ref, (wf) => activeSuspend(wf, "approve"))) await engine.resume(ref);
  },
  "suspend-template-outputs.yaml": async (ref) => {
    if (await waitFor(engine, ref, (wf) => activeSuspend(wf, "approve"))) {
      await engine.setNode(ref, "displayName=approve", { parameters: { message: "approved from the test" } });
    }
  },
};

type Outcome = { wf: Workflow } | { rejected: Error };

// Every example starts at once (they mostly sleep); each test then awaits its own outcome.
const outcomes = new Map<string, Promise<Outcome>>();
for (const row of rows) {
  if (EXCLUDED[row.file]) continue;
  outcomes.set(
    row.file,
    (async (): Promise<Outcome> => {
      try {
        const submitted = await engine.submit(loadExample(row.file), { runId: `conformance-${row.file}` });
        const ref = {
          namespace: submitted.metadata.namespace ?? "default",
          name: submitted.metadata.name ?? "",
        };
        const driver = DRIVERS[row.file];
        const driving = driver ? driver(ref) : Promise.resolve();
        const wf = await engine.wait(ref);
        await driving;
        return { wf };
      } catch (error) {
        return { rejected: error as Error };
      }
    })(),
  );
}

afterAll(async () => {
  await engine.close();
});

describe("Argo examples on the local engine", () => {
  it("covers every eligible example (run or excluded with a reason)", () => {
    for (const file of Object.keys(EXCLUDED)) expect(rows.map((r) => r.file)).toContain(file);
    expect(outcomes.size + Object.keys(EXCLUDED).length).toBe(rows.length);
    expect(Object.keys(EXPECTED_TREES).length).toBeGreaterThanOrEqual(20);
  });

  for (const row of rows) {
    if (EXCLUDED[row.file]) continue;
    it(`${row.file} → ${row.expectedPhase}`, { timeout: 180_000 }, async () => {
      const outcome = await outcomes.get(row.file);
      if (!outcome) throw new Error(`no outcome for ${row.file}`);
      if (NOT_A_WORKFLOW.has(row.kind)) {
        expect("rejected" in outcome).toBe(true);
        if ("rejected" in outcome) {
          expect(outcome.rejected).toBeInstanceOf(WorkflowRejectedError);
          expect(outcome.rejected.message).toContain(`kind ${row.kind} is not a Workflow`);
        }
        return;
      }
      if ("rejected" in outcome) throw outcome.rejected;
      const { wf } = outcome;
      const accepted = row.expectedPhase.includes("->")
        ? ["Succeeded"]
        : row.expectedPhase.split("|").map((p) => p.trim());
      if (!exhaustedRandomRetries(row.file, wf))
        expect(accepted, `${row.file}: ${wf.status?.message ?? ""}`).toContain(wf.status?.phase);
      expect(wf.metadata.labels?.["workflows.argoproj.io/completed"]).toBe("true");
      expect(wf.metadata.labels?.["workflows.argoproj.io/phase"]).toBe(wf.status?.phase);
      const tree = EXPECTED_TREES[row.file];
      if (tree) expect(treeOf(wf)).toEqual([...tree].sort());
    });
  }
});

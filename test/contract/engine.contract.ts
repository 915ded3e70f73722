import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClusterWorkflowTemplate, NodeStatus, Workflow, WorkflowTemplate } from "../../lib/argo";
import { LABEL_COMPLETED, LABEL_PHASE } from "../../lib/argo/labels";
import { LABEL_RUN_ID } from "../../lib/engine/labels";
import type { ArtifactStore } from "../../lib/engine/local";
import type { Engine, WorkflowRef } from "../../lib/ports/engine";
import {
  WorkflowConflictError,
  WorkflowNotFoundError,
  WorkflowRejectedError,
} from "../../lib/ports/engine-errors";
import { readStepLogs } from "../../lib/runs/step-logs";
import { stepOf } from "../../lib/runs/workflow-mapping";

/** What each engine's test file provides to the shared scenarios. */
export interface ContractTarget {
  engine: Engine;
  /**
   * Reads an object, as text, of the bucket the engine keeps logs in: the local engine's artifact store, or
   * Argo's artifact repository (where `archiveLogs` saves them). Undefined when absent.
   */
  readObject(key: string): Promise<string | undefined>;
  teardown(): Promise<void>;
}

/** `readObject` over an artifact store. */
export const storeReader =
  (store: ArtifactStore) =>
  async (key: string): Promise<string | undefined> => {
    const body = await store.get(key);
    return body && Buffer.from(body).toString("utf8");
  };

const TERMINAL = new Set(["Succeeded", "Failed", "Error"]);

/** FNV-1a 32 (re-derived here so node ids are checked independently of either engine). */
function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}
const idOf = (wf: string, node: string) => (node === wf ? wf : `${wf}-${fnv32a(node)}`);

const shell = (name: string, script: string) => ({
  name,
  container: { image: "alpine:3.20", command: ["sh", "-c"], args: [script] },
});

export const HELLO: Workflow = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Workflow",
  metadata: { generateName: "contract-hello-" },
  spec: {
    entrypoint: "main",
    templates: [
      { name: "main", steps: [[{ name: "hello", template: "say" }]] },
      shell("say", "echo hello-skiff"),
    ],
  },
};

export const FAILING: Workflow = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Workflow",
  metadata: { generateName: "contract-fail-" },
  spec: {
    entrypoint: "main",
    templates: [
      { name: "main", steps: [[{ name: "ok", template: "ok" }], [{ name: "boom", template: "boom" }]] },
      shell("ok", "echo fine"),
      shell("boom", "echo about-to-fail; exit 3"),
    ],
  },
};

export const SLOW: Workflow = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Workflow",
  metadata: { generateName: "contract-slow-" },
  spec: {
    entrypoint: "main",
    templates: [{ name: "main", steps: [[{ name: "wait", template: "wait" }]] }, shell("wait", "sleep 30")],
  },
};

export const APPROVAL: Workflow = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Workflow",
  metadata: { generateName: "contract-approval-" },
  spec: {
    entrypoint: "main",
    templates: [
      {
        name: "main",
        steps: [[{ name: "approve", template: "approve" }], [{ name: "after", template: "after" }]],
      },
      { name: "approve", suspend: {} },
      shell("after", "echo approved"),
    ],
  },
};

/** A suspend step whose output is supplied on resume, and a step that reads it. */
export const GATE: Workflow = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Workflow",
  metadata: { generateName: "contract-gate-" },
  spec: {
    entrypoint: "main",
    templates: [
      {
        name: "main",
        steps: [
          [{ name: "approve", template: "approve" }],
          [
            {
              name: "after",
              template: "after",
              arguments: {
                parameters: [{ name: "choice", value: "{{steps.approve.outputs.parameters.choice}}" }],
              },
            },
          ],
        ],
      },
      {
        name: "approve",
        suspend: {},
        outputs: { parameters: [{ name: "choice", valueFrom: { supplied: {} } }] },
      },
      {
        ...shell("after", "echo chose {{inputs.parameters.choice}}"),
        inputs: { parameters: [{ name: "choice" }] },
      },
    ],
  },
};

/** A run whose step logs Argo archives (`archiveLogs`) and which its TTL deletes, with its pods, once it is over. */
export const SHORT_LIVED: Workflow = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Workflow",
  metadata: { generateName: "contract-ttl-" },
  spec: {
    entrypoint: "main",
    archiveLogs: true,
    // Long enough for the test to see the finished workflow before it goes (it polls, as the sweep would).
    ttlStrategy: { secondsAfterCompletion: 3 },
    podGC: { strategy: "OnWorkflowCompletion" },
    templates: [
      { name: "main", steps: [[{ name: "hello", template: "say" }]] },
      shell("say", "echo hello-skiff"),
    ],
  },
};

const refOf = (wf: Workflow): WorkflowRef => ({
  namespace: wf.metadata.namespace ?? "default",
  name: wf.metadata.name ?? "",
  uid: wf.metadata.uid,
});

async function waitFor(
  engine: Engine,
  ref: WorkflowRef,
  predicate: (wf: Workflow) => boolean,
  what: string,
  // A real cluster pulls images and schedules pods: scripts/contract-real-cluster.sh raises this.
  timeoutMs = Number(process.env.SKIFF_CONTRACT_TIMEOUT_MS ?? 30_000),
): Promise<Workflow> {
  const deadline = Date.now() + timeoutMs;
  let last: Workflow | undefined;
  while (Date.now() < deadline) {
    last = await engine.get(ref);
    if (last && predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what} of ${ref.name}; last phase ${last?.status?.phase}`);
}

/** Waits until the workflow no longer exists (deleted by its TTL, or by a client). */
async function waitForGone(
  engine: Engine,
  ref: WorkflowRef,
  timeoutMs = Number(process.env.SKIFF_CONTRACT_TIMEOUT_MS ?? 30_000),
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await engine.get(ref))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${ref.name} to be deleted`);
}

const finished = (wf: Workflow) => TERMINAL.has(wf.status?.phase ?? "");
const running = (wf: Workflow) =>
  wf.status?.phase === "Running" &&
  Object.values(wf.status.nodes ?? {}).some((n) => n.type === "Pod" && n.phase === "Running");
const node = (wf: Workflow, name: string): NodeStatus | undefined =>
  wf.status?.nodes?.[idOf(wf.metadata.name!, name)];

/** The engine contract: the same scenarios, the same assertions, for every engine. */
export function engineContract(label: string, start: () => Promise<ContractTarget>): void {
  describe(`engine contract: ${label}`, () => {
    let target: ContractTarget;
    let engine: Engine;
    beforeAll(async () => {
      target = await start();
      engine = target.engine;
    });
    afterAll(async () => {
      await target?.teardown();
    });

    const submit = (spec: Workflow, extra: Record<string, string> = {}) =>
      engine.submit(spec, {
        runId: `run-${randomUUID()}`,
        labels: { "skiff.dev/pipeline": "contract", ...extra },
      });

    it("submits with the run-id label, a generated name and a uid, and runs to Succeeded in Argo's status format", async () => {
      const runId = `run-${randomUUID()}`;
      const created = await engine.submit(HELLO, { runId, labels: { "skiff.dev/pipeline": "contract" } });
      expect(created.metadata.name).toMatch(/^contract-hello-[a-z0-9]+$/);
      expect(created.metadata.uid).toBeTruthy();
      expect(created.metadata.labels?.[LABEL_RUN_ID]).toBe(runId);
      expect(created.metadata.labels?.["skiff.dev/pipeline"]).toBe("contract");

      const done = await waitFor(engine, refOf(created), finished, "completion");
      const name = done.metadata.name!;
      expect(done.metadata.uid).toBe(created.metadata.uid);
      expect(done.status?.phase).toBe("Succeeded");
      expect(done.metadata.labels?.[LABEL_PHASE]).toBe("Succeeded");
      expect(done.metadata.labels?.[LABEL_COMPLETED]).toBe("true");
      expect(done.status?.startedAt).toBeTruthy();
      expect(done.status?.finishedAt).toBeTruthy();
      const root = done.status?.nodes?.[name];
      expect(root).toMatchObject({ id: name, name, displayName: name, type: "Steps", phase: "Succeeded" });
      const group = node(done, `${name}[0]`);
      expect(group).toMatchObject({
        type: "StepGroup",
        displayName: "[0]",
        boundaryID: name,
        phase: "Succeeded",
      });
      const hello = node(done, `${name}[0].hello`);
      expect(hello).toMatchObject({
        type: "Pod",
        displayName: "hello",
        templateName: "say",
        boundaryID: name,
        phase: "Succeeded",
      });
      expect(root?.children).toEqual([group?.id]);
      expect(group?.children).toEqual([hello?.id]);
      expect(root?.outboundNodes).toEqual([hello?.id]);
    });

    it("reports a failed step with Argo's messages and exit code", async () => {
      const created = await submit(FAILING);
      const done = await waitFor(engine, refOf(created), finished, "completion");
      const name = done.metadata.name!;
      const boom = node(done, `${name}[1].boom`);
      expect(done.status?.phase).toBe("Failed");
      expect(boom).toMatchObject({ phase: "Failed", message: "main: Error (exit code 3)" });
      expect(boom?.outputs?.exitCode).toBe("3");
      expect(done.status?.message).toBe(`child '${boom?.id}' failed`);
      expect(node(done, `${name}[0].ok`)?.phase).toBe("Succeeded");
    });

    it("lists by label selector with pagination", async () => {
      const batch = `batch-${randomUUID().slice(0, 8)}`;
      const made = await Promise.all([0, 1, 2].map(() => submit(HELLO, { "skiff.dev/batch": batch })));
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await engine.list({
          labelSelector: `skiff.dev/batch=${batch}`,
          limit: 2,
          continue: token,
        });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((wf) => wf.metadata.name!));
        token = page.continue;
        pages++;
      } while (token);
      expect(pages).toBe(2);
      expect(seen.sort()).toEqual(made.map((wf) => wf.metadata.name!).sort());
      const one = await engine.list({
        labelSelector: `${LABEL_RUN_ID}=${made[0].metadata.labels?.[LABEL_RUN_ID]}`,
      });
      expect(one.items.map((wf) => wf.metadata.uid)).toEqual([made[0].metadata.uid]);
      for (const wf of made) await waitFor(engine, refOf(wf), finished, "completion");
    });

    it("stops a running workflow (Argo's Stop) and refuses to stop it again", async () => {
      const created = await submit(SLOW);
      await waitFor(engine, refOf(created), running, "a running step");
      await engine.stop(refOf(created));
      const done = await waitFor(engine, refOf(created), finished, "completion");
      expect(done.status?.phase).toBe("Failed");
      expect(done.status?.message).toBe("Stopped with strategy 'Stop'");
      expect(done.spec.shutdown).toBe("Stop");
      await expect(engine.stop(refOf(created))).rejects.toBeInstanceOf(WorkflowConflictError);
    });

    it("terminates a running workflow (Argo's Terminate)", async () => {
      const created = await submit(SLOW);
      await waitFor(engine, refOf(created), running, "a running step");
      await engine.terminate(refOf(created));
      const done = await waitFor(engine, refOf(created), finished, "completion");
      expect(done.status?.phase).toBe("Failed");
      expect(done.status?.message).toBe("Stopped with strategy 'Terminate'");
    });

    it("retries a failed workflow in place (same uid) and refuses to retry a succeeded one", async () => {
      const created = await submit(FAILING);
      const failed = await waitFor(engine, refOf(created), finished, "completion");
      const okBefore = node(failed, `${failed.metadata.name}[0].ok`);
      const retried = await engine.retry(refOf(created));
      expect(retried.metadata.uid).toBe(created.metadata.uid);
      expect(retried.metadata.name).toBe(created.metadata.name);
      expect(TERMINAL.has(retried.status?.phase ?? "")).toBe(false);
      const again = await waitFor(engine, refOf(created), finished, "completion after retry");
      expect(again.status?.phase).toBe("Failed");
      // The successful step was kept, not run again.
      expect(node(again, `${again.metadata.name}[0].ok`)?.startedAt).toBe(okBefore?.startedAt);
      expect(node(again, `${again.metadata.name}[1].boom`)?.message).toBe("main: Error (exit code 3)");

      const ok = await submit(HELLO);
      await waitFor(engine, refOf(ok), finished, "completion");
      await expect(engine.retry(refOf(ok))).rejects.toBeInstanceOf(WorkflowConflictError);
    });

    it("resubmits as a new workflow labelled with the new run and its origin", async () => {
      const created = await submit(HELLO);
      await waitFor(engine, refOf(created), finished, "completion");
      const runId = `run-${randomUUID()}`;
      const next = await engine.resubmit(refOf(created), { runId });
      expect(next.metadata.name).not.toBe(created.metadata.name);
      expect(next.metadata.uid).not.toBe(created.metadata.uid);
      expect(next.metadata.labels?.[LABEL_RUN_ID]).toBe(runId);
      expect(next.metadata.labels?.["workflows.argoproj.io/resubmitted-from-workflow"]).toBe(
        created.metadata.name,
      );
      expect(next.metadata.labels?.["skiff.dev/pipeline"]).toBe("contract");
      const done = await waitFor(engine, refOf(next), finished, "completion");
      expect(done.status?.phase).toBe("Succeeded");
    });

    it("resubmits with the original's annotations and ownerReferences, as Argo does", async () => {
      const owner = await submit(HELLO);
      const ownerReference = {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Workflow",
        name: owner.metadata.name!,
        uid: owner.metadata.uid!,
      };
      const annotations = { "example.com/note": "kept", "workflows.argoproj.io/description": "kept too" };
      const created = await submit({
        ...HELLO,
        metadata: { ...HELLO.metadata, annotations, ownerReferences: [ownerReference] },
      });
      await waitFor(engine, refOf(created), finished, "completion");
      const next = await engine.resubmit(refOf(created), { runId: `run-${randomUUID()}` });
      expect(next.metadata.annotations).toMatchObject(annotations);
      expect(next.metadata.ownerReferences).toEqual([ownerReference]);
      await waitFor(engine, refOf(next), finished, "completion");
      await waitFor(engine, refOf(owner), finished, "completion");
    });

    it("reads a node field selector as Argo does: templateRef.name is empty without a templateRef; a malformed term is refused", async () => {
      const created = await submit(APPROVAL);
      const name = created.metadata.name!;
      await waitFor(
        engine,
        refOf(created),
        (wf) => node(wf, `${name}[0].approve`)?.phase === "Running",
        "the suspend step",
      );
      await expect(engine.resume(refOf(created), "displayName=approve,templateRef")).rejects.toBeInstanceOf(
        WorkflowRejectedError,
      );
      expect(node((await engine.get(refOf(created)))!, `${name}[0].approve`)?.phase).toBe("Running");
      await engine.resume(refOf(created), "displayName=approve,templateRef.name=");
      const done = await waitFor(engine, refOf(created), finished, "completion");
      expect(done.status?.phase).toBe("Succeeded");
      expect(node(done, `${name}[0].approve`)?.phase).toBe("Succeeded");
    });

    it("resumes a suspend step with a supplied output set first, as argo node set -p does; refuses an output it does not expect", async () => {
      const created = await submit(GATE);
      const name = created.metadata.name!;
      const waiting = await waitFor(
        engine,
        refOf(created),
        (wf) => node(wf, `${name}[0].approve`)?.phase === "Running",
        "the suspend step",
      );
      // A waiting node shows the outputs it expects to be supplied (Argo's addRawOutputFields).
      expect(node(waiting, `${name}[0].approve`)?.outputs?.parameters?.map((p) => p.name)).toEqual([
        "choice",
      ]);
      await expect(
        engine.resume(refOf(created), "displayName=approve", { nope: "x" }),
      ).rejects.toBeInstanceOf(WorkflowConflictError);
      expect(node((await engine.get(refOf(created)))!, `${name}[0].approve`)?.phase).toBe("Running");
      await engine.resume(refOf(created), "displayName=approve", { choice: "YES" });
      const done = await waitFor(engine, refOf(created), finished, "completion");
      expect(done.status?.phase).toBe("Succeeded");
      expect(
        node(done, `${name}[0].approve`)?.outputs?.parameters?.find((p) => p.name === "choice")?.value,
      ).toBe("YES");
      expect(node(done, `${name}[1].after`)?.inputs?.parameters).toEqual([{ name: "choice", value: "YES" }]);
    });

    it("waits at a suspend step until resumed; suspend and resume the whole workflow", async () => {
      const created = await submit(APPROVAL);
      const name = created.metadata.name!;
      const waiting = await waitFor(
        engine,
        refOf(created),
        (wf) => node(wf, `${name}[0].approve`)?.phase === "Running",
        "the suspend step",
      );
      expect(node(waiting, `${name}[0].approve`)).toMatchObject({ type: "Suspend", displayName: "approve" });
      expect(waiting.status?.phase).toBe("Running");
      const suspended = await engine.suspend(refOf(created));
      expect(suspended.spec.suspend).toBe(true);
      await engine.resume(refOf(created));
      const done = await waitFor(engine, refOf(created), finished, "completion");
      expect(done.status?.phase).toBe("Succeeded");
      expect(done.spec.suspend ?? false).toBe(false);
      expect(node(done, `${name}[0].approve`)?.phase).toBe("Succeeded");
      expect(node(done, `${name}[1].after`)?.phase).toBe("Succeeded");
      await expect(engine.suspend(refOf(created))).rejects.toBeInstanceOf(WorkflowConflictError);
    });

    it("returns a step's logs", async () => {
      const created = await submit(HELLO);
      const done = await waitFor(engine, refOf(created), finished, "completion");
      const hello = node(done, `${done.metadata.name}[0].hello`)!;
      const lines = [];
      for await (const line of engine.logs(refOf(created), { nodeId: hello.id })) lines.push(line);
      expect(lines.map((l) => l.text)).toContain("hello-skiff");
      expect(lines.every((l) => l.nodeId === hello.id)).toBe(true);
      expect(lines.every((l) => !Number.isNaN(Date.parse(l.time)))).toBe(true);
    });

    it("keeps a finished step's log readable once its workflow is deleted (ttlStrategy; Argo's archiveLogs)", async () => {
      const runId = `run-${randomUUID()}`;
      const created = await engine.submit(SHORT_LIVED, { runId });
      const ref = refOf(created);
      const done = await waitFor(engine, ref, finished, "completion");
      expect(done.status?.phase).toBe("Succeeded");
      const hello = node(done, `${done.metadata.name}[0].hello`)!;
      // Argo's executor saved the main container's log as the pod's `main-logs` output artifact.
      const archived = hello.outputs?.artifacts?.find((a) => a.name === "main-logs");
      expect(archived?.s3?.key).toMatch(/main\.log$/);
      expect(await target.readObject(archived?.s3?.key ?? "")).toContain("hello-skiff");
      // What the watcher recorded for the step while the workflow existed.
      const step = stepOf(runId, hello);
      expect(step.outputArtifacts).toContainEqual({ name: "main-logs", key: archived?.s3?.key });

      await waitForGone(engine, ref);
      await expect(
        (async () => {
          for await (const _ of engine.logs(ref, { nodeId: hello.id })) break;
        })(),
      ).rejects.toBeInstanceOf(WorkflowNotFoundError);
      const lines = await readStepLogs(
        { engine, readObject: (key) => target.readObject(key) },
        { runId, stepId: hello.id, ref, step },
      );
      expect(lines?.map((l) => l.text)).toContain("hello-skiff");
    });

    it("watches a run from submission to completion", async () => {
      const runId = `run-${randomUUID()}`;
      const controller = new AbortController();
      const phases: string[] = [];
      const watching = (async () => {
        for await (const event of engine.watch({
          labelSelector: `${LABEL_RUN_ID}=${runId}`,
          signal: controller.signal,
        })) {
          phases.push(event.object.status?.phase ?? "");
          if (event.object.metadata.labels?.[LABEL_COMPLETED] === "true") break;
        }
      })();
      await new Promise((r) => setTimeout(r, 200));
      await engine.submit(HELLO, { runId });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`watch saw only ${phases.join(",")}`)),
          Number(process.env.SKIFF_CONTRACT_TIMEOUT_MS ?? 30_000),
        );
      });
      try {
        await Promise.race([watching, timeout]);
      } finally {
        clearTimeout(timer);
      }
      controller.abort();
      expect(phases.at(-1)).toBe("Succeeded");
      expect(phases).toContain("Running");
    });

    it("installs a WorkflowTemplate, replaces it with a new version, and runs a step by templateRef from it", async () => {
      const name = `contract-shared-${randomUUID().slice(0, 8)}`;
      const version = (word: string): WorkflowTemplate => ({
        apiVersion: "argoproj.io/v1alpha1",
        kind: "WorkflowTemplate",
        metadata: { name },
        spec: { templates: [shell("say", `echo ${word}`)] },
      });
      const first = await engine.installTemplate(version("shared-one"));
      expect(first).toMatchObject({ kind: "WorkflowTemplate", metadata: { name } });
      await engine.installTemplate(version("shared-two"));
      const stored = await engine.getTemplate({ kind: "WorkflowTemplate", name });
      expect(stored?.spec.templates?.[0]?.container?.args).toEqual(["echo shared-two"]);
      const listed = (await engine.listTemplates("WorkflowTemplate")).filter((t) => t.metadata.name === name);
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ kind: "WorkflowTemplate", metadata: { name } });
      expect(listed[0]?.spec.templates?.[0]?.container?.args).toEqual(["echo shared-two"]);

      const created = await submit({
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Workflow",
        metadata: { generateName: "contract-ref-" },
        spec: {
          entrypoint: "main",
          templates: [{ name: "main", steps: [[{ name: "hello", templateRef: { name, template: "say" } }]] }],
        },
      });
      const done = await waitFor(engine, refOf(created), finished, "completion");
      expect(done.status?.phase).toBe("Succeeded");
      const hello = node(done, `${done.metadata.name}[0].hello`);
      expect(hello).toMatchObject({
        type: "Pod",
        phase: "Succeeded",
        templateRef: { name, template: "say" },
      });
      expect(hello?.templateName).toBeUndefined();
      const lines: string[] = [];
      for await (const line of engine.logs(refOf(done), { nodeId: hello?.id })) lines.push(line.text);
      expect(lines).toContain("shared-two");

      expect(await engine.deleteTemplate({ kind: "WorkflowTemplate", name })).toBe(true);
      expect(await engine.getTemplate({ kind: "WorkflowTemplate", name })).toBeUndefined();
      expect(await engine.deleteTemplate({ kind: "WorkflowTemplate", name })).toBe(false);
      const names = (await engine.listTemplates("WorkflowTemplate")).map((t) => t.metadata.name);
      expect(names).not.toContain(name);
    });

    it("runs a whole WorkflowTemplate by workflowTemplateRef, the workflow's argument over the template's", async () => {
      const name = `contract-whole-${randomUUID().slice(0, 8)}`;
      await engine.installTemplate({
        apiVersion: "argoproj.io/v1alpha1",
        kind: "WorkflowTemplate",
        metadata: { name },
        spec: {
          entrypoint: "main",
          arguments: { parameters: [{ name: "who", value: "template" }] },
          templates: [
            { name: "main", steps: [[{ name: "hello", template: "say" }]] },
            shell("say", "echo whole-template"),
          ],
        },
      });
      const created = await submit({
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Workflow",
        metadata: { generateName: "contract-whole-" },
        spec: {
          workflowTemplateRef: { name },
          arguments: { parameters: [{ name: "who", value: "caller" }] },
        },
      });
      const done = await waitFor(engine, refOf(created), finished, "completion");
      expect(done.status?.phase).toBe("Succeeded");
      // Argo keeps the submitted spec, and the joined one it ran in status.storedWorkflowTemplateSpec.
      expect(done.spec.workflowTemplateRef).toEqual({ name });
      const joined = done.status?.storedWorkflowTemplateSpec;
      expect(joined?.entrypoint).toBe("main");
      expect(joined?.arguments?.parameters).toEqual([{ name: "who", value: "caller" }]);
      const hello = node(done, `${done.metadata.name}[0].hello`);
      expect(hello).toMatchObject({ type: "Pod", phase: "Succeeded" });
      const lines: string[] = [];
      for await (const line of engine.logs(refOf(done), { nodeId: hello?.id })) lines.push(line.text);
      expect(lines).toContain("whole-template");
      await engine.deleteTemplate({ kind: "WorkflowTemplate", name });
    });

    it("refuses a ClusterWorkflowTemplate unless the deployment enables them", async () => {
      const cluster: ClusterWorkflowTemplate = {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "ClusterWorkflowTemplate",
        metadata: { name: "contract-cluster" },
        spec: { templates: [shell("say", "echo cluster")] },
      };
      await expect(engine.installTemplate(cluster)).rejects.toBeInstanceOf(WorkflowRejectedError);
      await expect(engine.listTemplates("ClusterWorkflowTemplate")).rejects.toBeInstanceOf(
        WorkflowRejectedError,
      );
    });

    it("answers missing workflows with undefined or WorkflowNotFoundError", async () => {
      const ref = { namespace: (await submit(HELLO)).metadata.namespace!, name: "no-such-workflow-xyz" };
      expect(await engine.get(ref)).toBeUndefined();
      await expect(engine.stop(ref)).rejects.toBeInstanceOf(WorkflowNotFoundError);
      await expect(engine.retry(ref)).rejects.toBeInstanceOf(WorkflowNotFoundError);
    });
  });
}

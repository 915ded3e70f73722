import type { Workflow } from "../../../lib/argo";
import { LABEL_COMPLETED, LABEL_CONTROLLER_INSTANCE_ID, LABEL_PHASE } from "../../../lib/argo/labels";
import { podNameFor } from "../../../lib/argo/node-ids";
import { LABEL_RUN_ID } from "../../../lib/engine/labels";
import type { LocalEngine } from "../../../lib/engine/local";
import type { TemplateKind, WorkflowRef } from "../../../lib/ports/engine";
import type { FakeController, FakeKubeApiServer } from "./server";
import type { TemplateObject } from "./templates";

const TERMINAL = new Set(["Succeeded", "Failed", "Error"]);

/**
 * The fake cluster's workflow controller, backed by the local engine: each workflow created through
 * the API server is executed by a `LocalEngine` under the same name (so node ids and pod names are
 * the ones Argo would use), and every status change is written back to the stored object the way
 * Argo's controller writes it (a full update of `status` and the phase/completed labels). Client
 * writes are mapped back: `spec.shutdown` → stop/terminate, `spec.suspend` → suspend/resume, a
 * retried workflow (status reset by the client while the run is over) → retry. Pod logs come from
 * the local engine's step logs; a workflow its `ttlStrategy` deletes from the local engine is deleted here too.
 */
export class LocalEngineController implements FakeController {
  private server?: FakeKubeApiServer;
  private readonly watching = new AbortController();
  private readonly lastSpec = new Map<string, { shutdown?: string; suspend?: boolean }>();
  private pump?: Promise<void>;

  constructor(
    private readonly engine: LocalEngine,
    private readonly options: { instanceId?: string } = {},
  ) {}

  /** Connects the controller to the server's pod log endpoint (call once after constructing the server). */
  attach(server: FakeKubeApiServer): void {
    this.server = server;
    server.podLogSource = (ns, pod) => this.podLog(ns, pod);
    server.podActive = async (ns, pod) => {
      const found = await this.podNode(ns, pod);
      return (
        found !== undefined &&
        !["Succeeded", "Failed", "Error", "Skipped", "Omitted"].includes(found.node.phase ?? "")
      );
    };
    this.pump ??= this.mirror();
  }

  onChange(server: FakeKubeApiServer, wf: Workflow, type: "ADDED" | "MODIFIED"): void {
    if (!this.server) this.attach(server);
    if ((wf.metadata.labels?.[LABEL_CONTROLLER_INSTANCE_ID] ?? undefined) !== this.options.instanceId) return;
    const ref: WorkflowRef = { namespace: wf.metadata.namespace ?? "default", name: wf.metadata.name ?? "" };
    const key = `${ref.namespace}/${ref.name}`;
    const act = type === "ADDED" ? this.start(wf) : this.follow(ref, key, wf);
    act.catch((error: unknown) => {
      // What Argo does with a spec it cannot run: the workflow fails with the reason.
      server.update(ref.namespace, ref.name, (stored) => {
        stored.status = {
          ...(stored.status ?? {}),
          phase: "Error",
          message: `invalid spec: ${(error as Error).message}`,
        };
        stored.metadata.labels = {
          ...stored.metadata.labels,
          [LABEL_PHASE]: "Error",
          [LABEL_COMPLETED]: "true",
        };
      });
    });
  }

  /** Argo's controller reads templates from the cluster; here they are mirrored into the local engine's registry. */
  onTemplate(kind: TemplateKind, namespace: string, name: string, object: TemplateObject | undefined): void {
    const done = object
      ? this.engine.installTemplate(object)
      : this.engine.deleteTemplate({ kind, name, ...(namespace ? { namespace } : {}) });
    done.catch(() => {});
  }

  async close(): Promise<void> {
    this.watching.abort();
    await this.pump?.catch(() => {});
  }

  private async start(wf: Workflow): Promise<void> {
    const key = `${wf.metadata.namespace}/${wf.metadata.name}`;
    this.lastSpec.set(key, { shutdown: wf.spec.shutdown, suspend: wf.spec.suspend });
    await this.engine.submit(
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Workflow",
        metadata: {
          name: wf.metadata.name,
          namespace: wf.metadata.namespace,
          labels: wf.metadata.labels,
          annotations: wf.metadata.annotations,
        },
        spec: wf.spec,
      },
      {
        runId: wf.metadata.labels?.[LABEL_RUN_ID] ?? wf.metadata.name ?? "",
        namespace: wf.metadata.namespace,
      },
    );
  }

  private async follow(ref: WorkflowRef, key: string, wf: Workflow): Promise<void> {
    const before = this.lastSpec.get(key) ?? {};
    this.lastSpec.set(key, { shutdown: wf.spec.shutdown, suspend: wf.spec.suspend });
    const local = await this.engine.get(ref);
    if (!local) return;
    const localDone = TERMINAL.has(local.status?.phase ?? "");
    if (wf.spec.shutdown && wf.spec.shutdown !== before.shutdown && !localDone) {
      await (wf.spec.shutdown === "Terminate" ? this.engine.terminate(ref) : this.engine.stop(ref));
      return;
    }
    if (wf.spec.suspend && !before.suspend) {
      await this.engine.suspend(ref);
      return;
    }
    if (localDone && !TERMINAL.has(wf.status?.phase ?? "")) {
      await this.engine.retry(ref);
      return;
    }
    const resumed = Object.values(wf.status?.nodes ?? {}).filter(
      (n) =>
        n.type === "Suspend" && n.phase === "Succeeded" && local.status?.nodes?.[n.id]?.phase === "Running",
    );
    // A node resumed with outputs set (`argo node set -p`): the same values reach the local run.
    for (const n of resumed) {
      const set = Object.fromEntries(
        (n.outputs?.parameters ?? [])
          .filter((p) => p.value !== undefined && !p.valueFrom)
          .map((p) => [p.name, String(p.value)]),
      );
      if (Object.keys(set).length > 0) await this.engine.resume(ref, `id=${n.id}`, set);
    }
    if ((before.suspend && !wf.spec.suspend) || resumed.length > 0) await this.engine.resume(ref);
  }

  /** Writes every local status change into the API server's object. */
  private async mirror(): Promise<void> {
    for await (const event of this.engine.watch({ signal: this.watching.signal })) {
      const server = this.server;
      const local = event.object;
      if (!server) continue;
      if (event.type === "DELETED") {
        // The local engine's TTL deleted it: so does Argo's TTL controller (the pods' logs go with the engine's).
        server.removeWorkflow(local.metadata.namespace ?? "default", local.metadata.name ?? "");
        continue;
      }
      server.update(local.metadata.namespace ?? "default", local.metadata.name ?? "", (stored) => {
        stored.status = structuredClone(local.status ?? {});
        const labels = { ...(stored.metadata.labels ?? {}) };
        for (const label of [LABEL_PHASE, LABEL_COMPLETED]) {
          const value = local.metadata.labels?.[label];
          if (value === undefined) delete labels[label];
          else labels[label] = value;
        }
        stored.metadata.labels = labels;
        stored.metadata.annotations = {
          ...(stored.metadata.annotations ?? {}),
          "workflows.argoproj.io/pod-name-format": "v2",
        };
      });
    }
  }

  private async podNode(namespace: string, pod: string) {
    for (const wf of (await this.engine.list({})).items) {
      if (wf.metadata.namespace !== namespace) continue;
      const node = Object.values(wf.status?.nodes ?? {}).find(
        (n) => n.type === "Pod" && podNameFor(wf, n) === pod,
      );
      if (node) return { wf, node };
    }
    return undefined;
  }

  private async podLog(namespace: string, pod: string): Promise<string[] | undefined> {
    const found = await this.podNode(namespace, pod);
    if (!found) return undefined;
    const lines: string[] = [];
    const ref = { namespace, name: found.wf.metadata.name ?? "" };
    for await (const line of this.engine.logs(ref, { nodeId: found.node.id }))
      lines.push(`${line.time} ${line.text}`);
    return lines;
  }
}

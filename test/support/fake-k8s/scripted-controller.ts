import type { NodeStatus, Template, Workflow, WorkflowSpec } from "../../../lib/argo";
import { ARCHIVED_LOG_ARTIFACT, ARCHIVED_LOG_FILE, archivesLogs } from "../../../lib/argo/archive-logs";
import { joinWorkflowSpec } from "../../../lib/argo/join-spec";
import { nodeId, podName } from "../../../lib/argo/node-ids";
import { ttlSecondsOf } from "../../../lib/argo/ttl";
import type { ArtifactStore } from "../../../lib/engine/local";
import type { FakeController, FakeKubeApiServer } from "./server";

interface PodRun {
  finishAt: number;
  exitCode: number;
  lines: string[];
}

export interface ScriptedControllerOptions {
  instanceId?: string;
  tickMs?: number;
  /**
   * The artifact repository (Skiff's bucket): with `archiveLogs`, a finished pod's log is saved there at
   * `artifacts/<namespace>/<workflow>/<pod>/main.log` (the deploy guide's keyFormat), as Argo's executor does.
   */
  archive?: ArtifactStore;
}

/** What a simulated container does, read from its command/args/script: `echo x`, `sleep N`, `exit K`. */
export function simulate(template: Template): { lines: string[]; seconds: number; exitCode: number } {
  const text = [
    ...(template.container?.command ?? []),
    ...(template.container?.args ?? []),
    ...(template.script?.command ?? []),
    template.script?.source ?? "",
  ].join(" ");
  const lines = [...text.matchAll(/echo\s+(?:"([^"]*)"|'([^']*)'|([^;&|\n]+))/g)].map((m) =>
    (m[1] ?? m[2] ?? m[3] ?? "").trim(),
  );
  const sleep = /sleep\s+(\d+(?:\.\d+)?)/.exec(text);
  const exit = /exit\s+(\d+)/.exec(text);
  return { lines, seconds: sleep ? Number(sleep[1]) : 0.03, exitCode: exit ? Number(exit[1]) : 0 };
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
const TERMINAL = new Set(["Succeeded", "Failed", "Error"]);
const FULFILLED = new Set(["Succeeded", "Failed", "Error", "Skipped", "Omitted"]);

/**
 * A stand-in for Argo's workflow controller that writes status documents in Argo's exact format
 * (node ids `<wf>-<fnv32a(name)>`, `[i]` step groups, Pod nodes, `main: Error (exit code N)`,
 * `child '<id>' failed`, `Stopped with strategy '<S>'`, phase/completed labels) for workflows whose
 * entrypoint is a container/script template or a steps template over them, plus a container
 * `onExit`. Honours `spec.shutdown` (Stop runs the exit handler, Terminate does not), `spec.suspend`,
 * and retries (nodes removed by the client are run again); a step's `templateRef` is read from the server's
 * WorkflowTemplates, and a `workflowTemplateRef`'s spec joined under the workflow's as Argo joins it. It also ignores workflows whose
 * controller instance id label differs from its own, like Argo does.
 */
export class ScriptedArgoController implements FakeController {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly pods = new Map<string, PodRun>();
  /** Pending TTL deletions (Argo's TTL controller), by workflow. */
  private readonly expiries = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: ScriptedControllerOptions = {}) {}

  onChange(server: FakeKubeApiServer, wf: Workflow): void {
    const label = wf.metadata.labels?.["workflows.argoproj.io/controller-instanceid"];
    if ((label ?? undefined) !== this.options.instanceId) return;
    this.schedule(server, wf.metadata.namespace ?? "default", wf.metadata.name ?? "");
  }

  onPodDeleted(_server: FakeKubeApiServer, _ns: string, pod: string): void {
    this.pods.delete(pod);
  }

  close(): void {
    this.closed = true;
    for (const timer of [...this.timers.values(), ...this.expiries.values()]) clearTimeout(timer);
    this.timers.clear();
    this.expiries.clear();
  }

  private schedule(server: FakeKubeApiServer, ns: string, name: string): void {
    const key = `${ns}/${name}`;
    if (this.closed || this.timers.has(key)) return;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        const again = this.reconcile(server, ns, name);
        if (again) this.schedule(server, ns, name);
      }, this.options.tickMs ?? 20),
    );
  }

  /** One reconcile pass; true while the workflow needs more passes. */
  private reconcile(server: FakeKubeApiServer, ns: string, name: string): boolean {
    let again = false;
    const wf = server.update(ns, name, (stored) => {
      again = this.step(server, stored);
    });
    if (wf && !again) this.expire(server, wf);
    return again;
  }

  /** Argo's TTL controller: a finished workflow with a `ttlStrategy` is deleted (with its pods) once it is due. */
  private expire(server: FakeKubeApiServer, wf: Workflow): void {
    const ns = wf.metadata.namespace ?? "default";
    const name = wf.metadata.name ?? "";
    const key = `${ns}/${name}`;
    const seconds = ttlSecondsOf(wf);
    if (seconds === undefined || this.closed || this.expiries.has(key)) return;
    const pods = Object.values(wf.status?.nodes ?? {})
      .filter((n) => n.type === "Pod")
      .map((n) => podName(name, n));
    this.expiries.set(
      key,
      setTimeout(() => {
        this.expiries.delete(key);
        for (const pod of pods) this.pods.delete(pod);
        server.removeWorkflow(ns, name, pods);
      }, seconds * 1000),
    );
  }

  private step(server: FakeKubeApiServer, wf: Workflow): boolean {
    const name = wf.metadata.name ?? "";
    wf.status ??= {};
    const status = wf.status;
    if (TERMINAL.has(status.phase ?? "")) return false;
    status.nodes ??= {};
    if (!status.phase) {
      status.phase = "Running";
      status.startedAt = now();
      wf.metadata.annotations = {
        ...(wf.metadata.annotations ?? {}),
        "workflows.argoproj.io/pod-name-format": "v2",
      };
    }
    setLabel(wf, "workflows.argoproj.io/phase", "Running");
    const spec = executedSpec(server, wf);
    if (!spec) {
      const ref = wf.spec.workflowTemplateRef?.name;
      return this.finish(wf, "Error", `invalid spec: workflow template ${ref} not found`);
    }
    const templates = new Map((spec.templates ?? []).map((t) => [t.name ?? "", t]));
    const entry = templates.get(spec.entrypoint ?? "");
    if (!entry)
      return this.finish(wf, "Error", `invalid spec: entrypoint template ${spec.entrypoint} not found`);
    const shutdown = wf.spec.shutdown;
    const suspended = wf.spec.suspend === true;

    const root = this.runTemplate(server, wf, entry, name, name, undefined, { shutdown, suspended });
    if (!FULFILLED.has(root.phase ?? "")) return true;
    const onExit = spec.onExit ? templates.get(spec.onExit) : undefined;
    if (onExit && shutdown !== "Terminate") {
      const exitNode = this.runTemplate(server, wf, onExit, `${name}.onExit`, name, undefined, {
        workflowStatus: root.phase,
      });
      if (!FULFILLED.has(exitNode.phase ?? "")) return true;
      if (root.phase === "Succeeded" && exitNode.phase !== "Succeeded") {
        return this.finish(wf, exitNode.phase === "Error" ? "Error" : "Failed", exitNode.message);
      }
    }
    if (shutdown) return this.finish(wf, "Failed", `Stopped with strategy '${shutdown}'`);
    const phase =
      root.phase === "Succeeded" || root.phase === "Skipped" ? "Succeeded" : (root.phase ?? "Error");
    return this.finish(wf, phase, root.message);
  }

  private finish(wf: Workflow, phase: string, message?: string): false {
    const status = wf.status!;
    status.phase = phase;
    status.finishedAt = now();
    if (message) status.message = message;
    else delete status.message;
    const pods = Object.values(status.nodes ?? {}).filter((n) => n.type === "Pod");
    status.progress = `${pods.filter((n) => FULFILLED.has(n.phase ?? "")).length}/${pods.length}`;
    status.conditions = [
      { type: "PodRunning", status: "False" },
      { type: "Completed", status: "True" },
    ];
    setLabel(wf, "workflows.argoproj.io/phase", phase);
    setLabel(wf, "workflows.argoproj.io/completed", "true");
    return false;
  }

  private runTemplate(
    server: FakeKubeApiServer,
    wf: Workflow,
    template: Template,
    nodeName: string,
    displayName: string,
    boundaryID: string | undefined,
    context: { shutdown?: string; suspended?: boolean; workflowStatus?: string },
  ): NodeStatus {
    const wfName = wf.metadata.name ?? "";
    const nodes = wf.status!.nodes!;
    const id = nodeId(wfName, nodeName);
    let node = nodes[id];
    if (!node) {
      if (context.shutdown) {
        node = {
          id,
          name: nodeName,
          displayName,
          type: nodeType(template),
          templateName: template.name,
          phase: "Failed",
          message: `Stopped with strategy '${context.shutdown}'`,
          startedAt: now(),
          finishedAt: now(),
          ...(boundaryID ? { boundaryID } : {}),
        };
        nodes[id] = node;
        return node;
      }
      if (context.suspended) return { id, name: nodeName, type: "Pod", phase: "Pending" };
      node = {
        id,
        name: nodeName,
        displayName,
        type: nodeType(template),
        templateName: template.name,
        templateScope: `local/${wfName}`,
        phase: template.steps || template.suspend ? "Running" : "Pending",
        startedAt: now(),
        ...(boundaryID ? { boundaryID } : {}),
      };
      // As Argo's addRawOutputFields: a waiting suspend node lists the outputs a client may supply.
      const supplied = (template.outputs?.parameters ?? []).filter((p) => p.valueFrom?.supplied);
      if (template.suspend && supplied.length > 0) node.outputs = { parameters: supplied };
      nodes[id] = node;
    }
    if (FULFILLED.has(node.phase ?? "")) return node;
    if (template.suspend) return this.runSuspend(node, context);
    if (template.steps) return this.runSteps(server, wf, template, node, context);
    return this.runPod(server, wf, template, node, context);
  }

  /** A suspend node stays Running until a client resumes it (sets it Succeeded) or the workflow shuts down. */
  private runSuspend(node: NodeStatus, context: { shutdown?: string }): NodeStatus {
    if (context.shutdown) {
      node.phase = "Failed";
      node.message = `Stopped with strategy '${context.shutdown}'`;
      node.finishedAt = now();
    }
    return node;
  }

  private runPod(
    server: FakeKubeApiServer,
    wf: Workflow,
    template: Template,
    node: NodeStatus,
    context: { shutdown?: string; suspended?: boolean },
  ): NodeStatus {
    const ns = wf.metadata.namespace ?? "default";
    const pod = podName(wf.metadata.name ?? "", node);
    if (context.shutdown && (context.shutdown === "Terminate" || !node.name.includes(".onExit"))) {
      node.message =
        node.phase === "Pending"
          ? `Stopped with strategy '${context.shutdown}'`
          : `workflow shutdown with strategy:  ${context.shutdown}`;
      node.phase = "Failed";
      node.finishedAt = now();
      this.pods.delete(pod);
      return node;
    }
    let run = this.pods.get(pod);
    if (!run) {
      const sim = simulate(template);
      run = { finishAt: Date.now() + sim.seconds * 1000, exitCode: sim.exitCode, lines: sim.lines };
      this.pods.set(pod, run);
      const stamp = new Date().toISOString();
      server.setPodLog(
        ns,
        pod,
        sim.lines.map((line) => `${stamp} ${line}`),
      );
      node.phase = "Running";
      node.hostNodeName = "fake-node";
    }
    if (Date.now() < run.finishAt) return node;
    node.phase = run.exitCode === 0 ? "Succeeded" : "Failed";
    node.finishedAt = now();
    node.outputs = { ...(node.outputs ?? {}), exitCode: String(run.exitCode) };
    if (this.options.archive && archivesLogs(wf, template)) {
      // The executor saves the log before the pod's result is reported.
      const key = `artifacts/${ns}/${wf.metadata.name}/${pod}/${ARCHIVED_LOG_FILE}`;
      this.options.archive.put(key, run.lines.map((line) => `${line}\n`).join("")).catch(() => {});
      node.outputs.artifacts = [{ name: ARCHIVED_LOG_ARTIFACT, s3: { key } }];
    }
    if (run.exitCode !== 0) node.message = `main: Error (exit code ${run.exitCode})`;
    node.resourcesDuration = { cpu: 1, memory: 1 };
    return node;
  }

  private runSteps(
    server: FakeKubeApiServer,
    wf: Workflow,
    template: Template,
    node: NodeStatus,
    context: { shutdown?: string; suspended?: boolean },
  ): NodeStatus {
    const wfName = wf.metadata.name ?? "";
    const nodes = wf.status!.nodes!;
    const templates = new Map(
      ((wf.status?.storedWorkflowTemplateSpec ?? wf.spec).templates ?? []).map((t) => [t.name ?? "", t]),
    );
    const groups = template.steps ?? [];
    let previous: NodeStatus[] = [node];
    for (let i = 0; i < groups.length; i++) {
      const groupName = `${node.name}[${i}]`;
      const groupId = nodeId(wfName, groupName);
      let group = nodes[groupId];
      if (!group) {
        if (context.shutdown) break;
        group = {
          id: groupId,
          name: groupName,
          displayName: `[${i}]`,
          type: "StepGroup",
          phase: "Running",
          boundaryID: node.id,
          templateScope: `local/${wfName}`,
          startedAt: now(),
        };
        nodes[groupId] = group;
        for (const p of previous) linkChild(p, groupId);
      }
      if (!FULFILLED.has(group.phase ?? "")) {
        const children = (groups[i] ?? []).map((step) => {
          // A templateRef's template is read from the stored WorkflowTemplate (one level: no nested scopes).
          const ref = step.templateRef;
          const stepTemplate = ref
            ? server.templates
                .get(
                  ref.clusterScope ? "ClusterWorkflowTemplate" : "WorkflowTemplate",
                  wf.metadata.namespace ?? "",
                  ref.name ?? "",
                )
                ?.spec.templates?.find((t) => t.name === ref.template)
            : templates.get(step.template ?? "");
          const childName = `${groupName}.${step.name}`;
          if (!stepTemplate)
            return {
              id: nodeId(wfName, childName),
              name: childName,
              type: "Pod",
              phase: "Error",
              message: ref
                ? `template ${ref.template} not found in workflow template ${ref.name}`
                : `template ${step.template} not found`,
            } as NodeStatus;
          const child = this.runTemplate(
            server,
            wf,
            stepTemplate,
            childName,
            step.name ?? "",
            node.id,
            context,
          );
          linkChild(group, child.id);
          if (ref && child.templateName) {
            child.templateRef = ref;
            delete child.templateName;
          }
          if (!child.inputs && step.arguments?.parameters?.length)
            child.inputs = { parameters: stepArguments(step.arguments.parameters, nodes, node.id) };
          return child;
        });
        if (!children.every((c) => FULFILLED.has(c.phase ?? ""))) return node;
        const failed = children.find((c) => c.phase === "Failed" || c.phase === "Error");
        group.phase = failed ? "Failed" : "Succeeded";
        group.finishedAt = now();
        if (failed) group.message = `child '${failed.id}' failed`;
      }
      if (group.phase !== "Succeeded") {
        node.phase = "Failed";
        node.message = group.message ?? `child '${group.id}' failed`;
        node.finishedAt = now();
        return node;
      }
      const last = (group.children ?? []).map((c) => nodes[c]).filter(Boolean);
      previous = last;
      node.outboundNodes = last.map((c) => c.id);
    }
    if (context.shutdown) {
      node.phase = "Failed";
      node.message = `Stopped with strategy '${context.shutdown}'`;
      node.finishedAt = now();
      return node;
    }
    node.phase = "Succeeded";
    node.finishedAt = now();
    return node;
  }
}

/**
 * The spec the controller executes: the workflow's own, or joined over the WorkflowTemplate its
 * `workflowTemplateRef` names (Argo's JoinWorkflowSpec), kept in `status.storedWorkflowTemplateSpec` as Argo keeps
 * it. Undefined when that template is not stored.
 */
function executedSpec(server: FakeKubeApiServer, wf: Workflow): WorkflowSpec | undefined {
  const ref = wf.spec.workflowTemplateRef;
  if (!ref) return wf.spec;
  const status = wf.status ?? {};
  wf.status = status;
  if (!status.storedWorkflowTemplateSpec) {
    const kind = ref.clusterScope ? "ClusterWorkflowTemplate" : "WorkflowTemplate";
    const stored = server.templates.get(kind, wf.metadata.namespace ?? "", ref.name ?? "");
    if (!stored) return undefined;
    status.storedWorkflowTemplateSpec = joinWorkflowSpec(wf.spec, stored.spec);
  }
  return status.storedWorkflowTemplateSpec;
}

/** A step's arguments with `{{steps.<step>.outputs.parameters.<name>}}` read from its siblings' nodes. */
function stepArguments(
  parameters: { name: string; value?: string }[],
  nodes: Record<string, NodeStatus>,
  boundaryID: string,
): { name: string; value?: string }[] {
  return parameters.map(({ name, value }) => ({
    name,
    value: value?.replace(/\{\{steps\.([^.]+)\.outputs\.parameters\.([^}]+)\}\}/g, (text, step, output) => {
      const sibling = Object.values(nodes).find((n) => n.boundaryID === boundaryID && n.displayName === step);
      const found = sibling?.outputs?.parameters?.find((p) => p.name === output)?.value;
      return found ?? text;
    }),
  }));
}

function linkChild(parent: NodeStatus, child: string): void {
  parent.children ??= [];
  if (!parent.children.includes(child)) parent.children.push(child);
}

function setLabel(wf: Workflow, key: string, value: string): void {
  wf.metadata.labels = { ...(wf.metadata.labels ?? {}), [key]: value };
}

function nodeType(template: Template): string {
  if (template.steps) return "Steps";
  if (template.suspend) return "Suspend";
  return "Pod";
}

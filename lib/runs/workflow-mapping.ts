import * as zlib from "node:zlib";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { Artifact, NodeStatus, Outputs, Parameter, Workflow } from "../argo";
import { boundedMessage } from "../events/failure-detail";
import type { EngineKind } from "../ports/engine";
import type {
  EngineInfo,
  FailedStep,
  RunStatus,
  StatusUpdate,
  StepArtifact,
  StepRecord,
} from "../ports/run-store";
import { RunStoreError } from "./errors";

/** What the engine says about one run, in Skiff's terms: the input of `RunStore.applyStatus`. */
export interface RunSnapshot extends StatusUpdate {
  failedSteps: FailedStep[];
  engine: EngineInfo;
}

/** Node types that execute something (and so can be "the step that failed"); the others only group. */
const EXECUTABLE_NODE_TYPES = new Set(["Pod", "Container", "HTTP", "Plugin", "Suspend", "Skipped"]);

/**
 * Argo's workflow phase → run status. Argo ends both stop and terminate in `Failed` with the message
 * `Stopped with strategy '<S>'`; `spec.shutdown` (or that message, when the spec was not kept) tells them apart.
 */
export function runStatusOf(workflow: Workflow): RunStatus {
  const phase = workflow.status?.phase;
  if (phase === "Succeeded") return "Succeeded";
  if (phase === "Failed" || phase === "Error") {
    const message = workflow.status?.message ?? "";
    if (workflow.spec?.shutdown === "Terminate" || message.includes("Stopped with strategy 'Terminate'")) {
      return "Terminated";
    }
    if (workflow.spec?.shutdown === "Stop" || message.includes("Stopped with strategy 'Stop'"))
      return "Stopped";
    return phase;
  }
  if (phase === "Running") return "Running";
  return "Pending";
}

/** `status.nodes`, inflating `status.compressedNodes` (gzip, zstd or brotli, told apart by magic bytes). */
export function nodesOf(workflow: Workflow): Record<string, NodeStatus> {
  const status = workflow.status;
  if (status?.nodes) return status.nodes;
  if (!status?.compressedNodes) return {};
  const bytes = Buffer.from(status.compressedNodes, "base64");
  try {
    let json: Buffer;
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) json = gunzipSync(bytes);
    else if (bytes.readUInt32LE(0) === 0xfd2fb528) {
      // zstd is in node:zlib from Node 22.15 on; Lambda's nodejs22.x has it.
      const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync;
      if (!zstd) throw new Error("zstd-compressed nodes need Node.js ≥ 22.15");
      json = zstd(bytes);
    } else json = brotliDecompressSync(bytes);
    return JSON.parse(json.toString("utf8")) as Record<string, NodeStatus>;
  } catch (cause) {
    throw new RunStoreError(
      `workflow ${workflow.metadata?.name}: status.compressedNodes could not be read: ${(cause as Error).message}`,
      { cause },
    );
  }
}

function parameterMap(parameters: Parameter[] | undefined): Record<string, string> | undefined {
  const entries = (parameters ?? [])
    .filter((p) => p.value !== undefined)
    .map((p) => [p.name, String(p.value)]);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

function outputMap(outputs: Outputs | undefined): Record<string, string> | undefined {
  const map = parameterMap(outputs?.parameters) ?? {};
  if (outputs?.result !== undefined && !("result" in map)) map.result = outputs.result;
  return Object.keys(map).length ? map : undefined;
}

function exitCodeOf(node: NodeStatus): number | undefined {
  const raw = node.outputs?.exitCode;
  if (raw === undefined || raw === "") return undefined;
  const code = Number(raw);
  return Number.isInteger(code) ? code : undefined;
}

/**
 * A node's artifacts as the run records them. `key` is the S3 key Argo (or the local engine) wrote, completed
 * with the repository's key format only when the node names one; Argo keeps no size on the node, so `size`
 * is set only by an engine that knows it.
 */
export function artifactsOf(artifacts: Artifact[] | undefined): StepArtifact[] | undefined {
  const out = (artifacts ?? []).map((a) => {
    const size = (a as Artifact & { size?: unknown }).size;
    return {
      name: a.name,
      ...(a.s3?.key ? { key: a.s3.key } : {}),
      ...(a.s3?.bucket ? { bucket: a.s3.bucket } : {}),
      ...(typeof size === "number" ? { size } : {}),
      ...(a.path ? { path: a.path } : {}),
    };
  });
  return out.length ? out : undefined;
}

export function stepOf(runId: string, node: NodeStatus): StepRecord {
  return {
    runId,
    stepId: node.id,
    name: node.name,
    displayName: node.displayName ?? node.name,
    type: node.type,
    templateName: node.templateName ?? node.templateRef?.template,
    phase: node.phase || "Pending",
    message: boundedMessage(node.message),
    exitCode: exitCodeOf(node),
    startedAt: node.startedAt || undefined,
    finishedAt: node.finishedAt || undefined,
    inputs: parameterMap(node.inputs?.parameters),
    outputs: outputMap(node.outputs),
    inputArtifacts: artifactsOf(node.inputs?.artifacts),
    outputArtifacts: artifactsOf(node.outputs?.artifacts),
    boundaryId: node.boundaryID,
    children: node.children?.length ? node.children : undefined,
  };
}

/**
 * The steps that made the run fail: executable nodes in `Failed`/`Error`, leaving out retry attempts that a
 * later attempt superseded (only a failed retry node's last attempt counts).
 */
export function failedStepsOf(nodes: Record<string, NodeStatus>): FailedStep[] {
  const superseded = new Set<string>();
  for (const node of Object.values(nodes)) {
    if (node.type !== "Retry" || !node.children?.length) continue;
    const keep = node.phase === "Failed" || node.phase === "Error" ? node.children.at(-1) : undefined;
    for (const child of node.children) if (child !== keep) superseded.add(child);
  }
  return Object.values(nodes)
    .filter(
      (n) =>
        (n.phase === "Failed" || n.phase === "Error") &&
        EXECUTABLE_NODE_TYPES.has(n.type) &&
        !superseded.has(n.id),
    )
    .sort((a, b) => (a.startedAt ?? "").localeCompare(b.startedAt ?? "") || a.id.localeCompare(b.id))
    .map((n) => ({
      stepId: n.id,
      name: n.displayName ?? n.name,
      message: boundedMessage(n.message),
      exitCode: exitCodeOf(n),
    }));
}

/** The run's outputs: the entrypoint node's output parameters, overlaid with Argo's global outputs. */
export function runOutputsOf(
  workflow: Workflow,
  nodes: Record<string, NodeStatus>,
): Record<string, string> | undefined {
  const root = workflow.metadata?.name ? nodes[workflow.metadata.name] : undefined;
  const merged = {
    ...parameterMap(root?.outputs?.parameters),
    ...parameterMap(workflow.status?.outputs?.parameters),
  };
  return Object.keys(merged).length ? merged : undefined;
}

export function snapshotOf(workflow: Workflow, runId: string, engineKind: EngineKind): RunSnapshot {
  const nodes = nodesOf(workflow);
  const status = runStatusOf(workflow);
  return {
    runId,
    status,
    message: workflow.status?.message || undefined,
    startedAt: workflow.status?.startedAt || undefined,
    finishedAt: workflow.status?.finishedAt || undefined,
    outputs: runOutputsOf(workflow, nodes),
    failedSteps: failedStepsOf(nodes),
    steps: Object.values(nodes).map((node) => stepOf(runId, node)),
    engine: {
      kind: engineKind,
      namespace: workflow.metadata?.namespace ?? "default",
      workflowName: workflow.metadata?.name,
      uid: workflow.metadata?.uid,
    },
  };
}

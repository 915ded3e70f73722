import type { NodeStatus } from "../../../argo";
import { ARCHIVED_LOG_ARTIFACT, ARCHIVED_LOG_FILE, archivesLogs } from "../../../argo/archive-logs";
import { runLeaf } from "../leaf";
import type { Invocation, RunContext } from "./context";

/**
 * Runs a container or script template as a host process once a slot of the workflow's and the engine's
 * parallelism is free; its log is stored with the artifacts when there is a store.
 */
export async function runPodNode(ctx: RunContext, { node, tmpl, req, extras }: Invocation): Promise<void> {
  const wfSlots = ctx.parallelism;
  const releaseWf = wfSlots ? (wfSlots.tryAcquire() ?? (await wfSlots.acquire())) : undefined;
  const releaseSlot = ctx.env.slots.tryAcquire() ?? (await ctx.env.slots.acquire());
  try {
    if (!ctx.control.canSchedule(req.onExit)) {
      ctx.table.mark(node, "Failed", ctx.control.podHaltMessage());
      return;
    }
    const outcome = await runLeaf({
      node,
      template: tmpl,
      stepDirs: ctx.stepDirs,
      hostEnv: ctx.hostEnv,
      images: ctx.env.options.images,
      shimRoot: ctx.shimRoot,
      shimDirs: ctx.env.shimDirs,
      captureResult: req.captureResult,
      artifacts: ctx.artifacts,
      artifactPrefix: () => `artifacts/${ctx.runId}/${ctx.podName(node)}`,
      maxDeadline: extras.maxDeadline,
      launcher: ctx.env.launcher,
      onStart: (proc) => {
        ctx.control.started(node.id, proc, req.onExit);
        ctx.table.mark(node, "Running");
      },
      onLine: (line) =>
        ctx.logs.append({
          nodeId: node.id,
          podName: ctx.podName(node),
          time: new Date().toISOString(),
          ...line,
        }),
      haltReason: () => ctx.control.haltOf(node.id),
      onProgress: (progress) => ctx.table.setProgress(node, progress),
    });
    ctx.control.ended(node.id);
    node.outputs = outcome.outputs;
    if (ctx.artifacts && archivesLogs(ctx.wf, tmpl)) await archiveLog(ctx, node);
    if (!node.outputs || Object.keys(node.outputs).length === 0) delete node.outputs;
    ctx.table.mark(node, outcome.phase, outcome.message ?? "");
    if (ctx.artifacts) {
      await ctx.artifacts
        .put(`logs/${ctx.runId}/${node.id}.log`, ctx.logs.text(node.id))
        .catch((error: unknown) => {
          ctx.logs.append({
            nodeId: node.id,
            time: new Date().toISOString(),
            stream: "stderr",
            text: `skiff: could not store the log: ${error instanceof Error ? error.message : String(error)}`,
          });
        });
    }
  } finally {
    releaseSlot();
    releaseWf?.();
  }
}

/**
 * Argo's `archiveLogs`: the main container's log saved beside the pod's artifacts and listed as its `main-logs`
 * output artifact, before the node completes. A log that cannot be stored is reported in the log, as above.
 */
async function archiveLog(ctx: RunContext, node: NodeStatus): Promise<void> {
  const key = `artifacts/${ctx.runId}/${ctx.podName(node)}/${ARCHIVED_LOG_FILE}`;
  try {
    await ctx.artifacts?.put(key, ctx.logs.plainText(node.id));
  } catch (error) {
    ctx.logs.append({
      nodeId: node.id,
      time: new Date().toISOString(),
      stream: "stderr",
      text: `skiff: could not archive the log: ${error instanceof Error ? error.message : String(error)}`,
    });
    return;
  }
  node.outputs = {
    ...node.outputs,
    artifacts: [...(node.outputs?.artifacts ?? []), { name: ARCHIVED_LOG_ARTIFACT, s3: { key } }],
  };
}

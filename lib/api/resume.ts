import { z } from "zod";
import type { NodeStatus, Template, Workflow } from "../argo";
import { isTerminal } from "../runs/status";
import type { ApiDeps } from "./deps";
import { badRequest, conflict, type ErrorDetail, notFound } from "./errors";
import { type ApiRequest, type ApiResponse, json, jsonBody } from "./http";
import { loadRun, runResponse, workflowRef } from "./runs";
import { zodDetails } from "./validation";

const resumeSchema = z.strictObject({
  node: z.string().min(1).max(253).optional(),
  parameters: z
    .record(
      z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "must be an output parameter name"),
      z.string().max(256 * 1024),
    )
    .refine((r) => Object.keys(r).length <= 64, "at most 64 parameters")
    .optional(),
});

/**
 * `POST /runs/{runId}/resume` `{node?, parameters?}`: resumes the run's suspended steps (or the one named by id,
 * name or display name), first setting the suspend template's supplied output parameters as `argo node set -p`
 * does (Argo's `argo resume` then gives the rest their defaults). With no suspended step, a workflow suspended
 * as a whole (`spec.suspend`) is resumed.
 */
export async function resumeRun(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  const run = await loadRun(deps, request);
  const parsed = resumeSchema.safeParse(jsonBody(request, deps.config.limits));
  if (!parsed.success) throw badRequest("the resume request is not valid", zodDetails(parsed.error, ""));
  const { node, parameters } = parsed.data;
  if (isTerminal(run.status)) {
    throw conflict(`run ${run.runId} is ${run.status}; only a running run can be resumed`);
  }
  const ref = await workflowRef(deps, run);
  const workflow = await deps.engine.get(ref);
  if (!workflow) throw notFound(`the workflow of run ${run.runId} no longer exists`);
  const suspended = Object.values(workflow.status?.nodes ?? {}).filter(
    (n) => n.type === "Suspend" && n.phase === "Running",
  );
  const matching = node
    ? suspended.filter((n) => n.id === node || n.name === node || n.displayName === node)
    : suspended;
  if (matching.length === 0 && (node !== undefined || workflow.spec.suspend !== true)) {
    const names = suspended.map((n) => n.displayName || n.name);
    throw conflict(
      node
        ? `run ${run.runId} has no suspended step "${node}"${names.length ? ` (suspended: ${names.join(", ")})` : ""}`
        : `run ${run.runId} has no suspended step`,
      [{ field: node ? "node" : "run", message: "nothing to resume", code: "not-suspended" }],
    );
  }
  const given = Object.keys(parameters ?? {});
  if (given.length > 0) {
    if (matching.length === 0) {
      throw badRequest("output parameters are set on suspended steps, and this run has none", [
        { field: "parameters", message: "no suspended step to set them on", code: "not-suspended" },
      ]);
    }
    const details = unexpectedOutputs(workflow, matching, given);
    if (details.length > 0)
      throw badRequest("the resume request sets outputs the steps do not take", details);
  }
  // One call per step resumed by name: the selector then names exactly the nodes checked above.
  if (node) {
    for (const n of matching) await deps.engine.resume(ref, `id=${n.id}`, parameters);
  } else {
    await deps.engine.resume(ref, undefined, parameters);
  }
  return json(202, { ...runResponse(run), resumed: matching.map((n) => n.id) });
}

/** Output parameters a step cannot take on resume: only a suspend template's `valueFrom.supplied` ones can. */
function unexpectedOutputs(workflow: Workflow, nodes: NodeStatus[], names: string[]): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const n of nodes) {
    const template = templateOf(workflow, n);
    const declared = template?.outputs?.parameters ?? n.outputs?.parameters;
    // A template from a WorkflowTemplate (templateRef) is not in this spec: the engine checks it.
    if (declared === undefined && template === undefined) continue;
    const supplied = new Set((declared ?? []).filter((p) => p.valueFrom?.supplied).map((p) => p.name));
    for (const name of names) {
      if (!supplied.has(name)) {
        details.push({
          field: `parameters.${name}`,
          message: `step ${n.displayName || n.name} (template ${n.templateName ?? "?"}) has no output parameter ${name} with valueFrom.supplied`,
          code: "unknown",
        });
      }
    }
  }
  return details;
}

function templateOf(workflow: Workflow, node: NodeStatus): Template | undefined {
  if (!node.templateName) return undefined;
  return (
    workflow.spec.templates?.find((t) => t.name === node.templateName) ??
    workflow.status?.storedTemplates?.[`namespaced/${node.templateName}`]
  );
}

import type { Spec, WorkflowSpec } from "../argo";
import type { PipelineVersion } from "../ports/pipeline-store";

/** The workflow spec inside any spec kind (a CronWorkflow wraps it). */
export function workflowSpecOf(resource: Spec): WorkflowSpec | undefined {
  const spec = resource.spec as unknown as Record<string, unknown> | undefined;
  if (!spec) return undefined;
  if (resource.kind === "CronWorkflow") return spec.workflowSpec as WorkflowSpec | undefined;
  return spec as WorkflowSpec;
}

/** The declared workflow parameters, as recorded with a version (the run endpoint validates against them). */
export function declaredParameters(spec: Spec): PipelineVersion["parameters"] {
  const parameters = workflowSpecOf(spec)?.arguments?.parameters ?? [];
  return parameters.map((p) => {
    const description = (p as { description?: unknown }).description;
    // A workflow argument's value is what a run uses unless it passes its own (Argo's `default` also counts).
    const fallback = p.value ?? p.default ?? p.valueFrom?.default;
    return {
      name: p.name,
      ...(fallback !== undefined ? { default: String(fallback) } : {}),
      ...(p.enum ? { enum: p.enum.map(String) } : {}),
      ...(typeof description === "string" ? { description } : {}),
    };
  });
}

export function templateCount(spec: Spec): number {
  return workflowSpecOf(spec)?.templates?.length ?? 0;
}

import { strategicMerge } from "./strategic-merge";
import type { Parameter, WorkflowSpec } from "./types.generated";

/**
 * Argo's ValidateWorkflowTemplateRefFields (workflow/validate/validate.go): a spec that runs a WorkflowTemplate by
 * `workflowTemplateRef` may not carry templates of its own. Argo refuses such a workflow with this message.
 */
export const TEMPLATES_WITH_WORKFLOW_TEMPLATE_REF =
  "Templates is invalid field in spec if workflow referred WorkflowTemplate reference";

/** Whether `spec` breaks that rule (a workflowTemplateRef and at least one template of its own). */
export function templatesBesideWorkflowTemplateRef(
  spec: Pick<WorkflowSpec, "workflowTemplateRef" | "templates">,
): boolean {
  return spec.workflowTemplateRef != null && Array.isArray(spec.templates) && spec.templates.length > 0;
}

/**
 * A Workflow's spec joined over the spec of the WorkflowTemplate its `workflowTemplateRef` names, as Argo's
 * JoinWorkflowSpec does (workflow/util/merge.go): the workflow's fields are a strategic merge patch over the
 * template's (objects merge key by key; templates, argument parameters and artifacts, volumes merge item by item by
 * name; other lists and scalars are the workflow's), `suspend` is always the workflow's, and an argument the
 * workflow gives replaces the template's argument of that name whole (a value never mixes with the other's default).
 */
export function joinWorkflowSpec(wfSpec: WorkflowSpec, wftSpec: WorkflowSpec): WorkflowSpec {
  // Cloned first, so that the joined spec shares nothing with either input.
  const joined = strategicMerge(
    structuredClone(wftSpec) as Record<string, unknown>,
    structuredClone(wfSpec) as Record<string, unknown>,
    (path) => (Object.hasOwn(LIST_KEYS, path.join(".")) ? LIST_KEYS[path.join(".")] : undefined),
  ) as WorkflowSpec;
  if (wfSpec.suspend === undefined) delete joined.suspend;
  else joined.suspend = wfSpec.suspend;
  const own = byName(wfSpec.arguments?.parameters);
  const theirs = byName(wftSpec.arguments?.parameters);
  const params = joined.arguments?.parameters;
  if (params) {
    for (let i = 0; i < params.length; i++) {
      const p = params[i] as Parameter;
      const chosen = own.get(p.name) ?? theirs.get(p.name);
      if (chosen && hasValue(p)) params[i] = structuredClone(chosen);
    }
  }
  return joined;
}

function hasValue(p: Parameter): boolean {
  return p.value !== undefined || p.valueFrom !== undefined || p.default !== undefined;
}

function byName(list: Parameter[] | undefined): Map<string, Parameter> {
  return new Map((list ?? []).map((p) => [p.name, p]));
}

/** Patch merge keys of WorkflowSpec's lists (pkg/apis/workflow/v1alpha1 `patchMergeKey` tags). */
const LIST_KEYS: Readonly<Record<string, string>> = {
  templates: "name",
  "arguments.parameters": "name",
  "arguments.artifacts": "name",
  volumes: "name",
  tolerations: "key",
  hostAliases: "ip",
  "templates.inputs.parameters": "name",
  "templates.inputs.artifacts": "name",
  "templates.outputs.parameters": "name",
  "templates.outputs.artifacts": "name",
};

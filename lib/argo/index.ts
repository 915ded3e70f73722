// Argo's own types (generated from its JSON Schema) plus the few aliases Skiff uses everywhere.
export type * from "./types.generated";

import type { ClusterWorkflowTemplate, CronWorkflow, Workflow, WorkflowTemplate } from "./types.generated";

/** Any manifest Skiff can compile to or accept. */
export type Manifest = Workflow | WorkflowTemplate | CronWorkflow | ClusterWorkflowTemplate;

export const ARGO_API_VERSION = "argoproj.io/v1alpha1";

// Argo's own types (generated from its JSON Schema) plus the few aliases Skiff uses everywhere. Argo's rules,
// shared by the DSL, the linter and both engines, live beside them, pure: depends.ts (the `depends` grammar),
// cycles.ts, phases.ts (node phases and their predicates), node-ids.ts (node ids, display and pod names),
// node-field-selector.ts, progress.ts (nodes' and the workflow's "N/M" progress), retry.ts and resubmit.ts
// (`argo retry` / `argo resubmit` applied to a Workflow), labels.ts (the labels Argo's controller sets), expr-syntax.ts
// (how strings and names are written for expr-lang and govaluate to read them back), item-fields.ts (loop items'
// fields), archive-logs.ts (whether a pod's log is archived), ttl.ts (when `ttlStrategy` deletes a finished
// workflow), strategic-merge.ts (Kubernetes' strategic merge patch, for join-spec.ts and template-defaults.ts) and
// expr/ (Argo's expression languages: `{{…}}` substitution, expr-lang, govaluate `when`, `depends`; expr-lang's
// operator table in expr/exprlang/operator-table.ts).
export type * from "./types.generated";

import type { ClusterWorkflowTemplate, CronWorkflow, Workflow, WorkflowTemplate } from "./types.generated";

/** Any spec Skiff can compile to or accept. */
export type Spec = Workflow | WorkflowTemplate | CronWorkflow | ClusterWorkflowTemplate;

export const ARGO_API_VERSION = "argoproj.io/v1alpha1";

import type { ClusterWorkflowTemplate, Template, WorkflowTemplate } from "../argo";
import { LABEL_PIPELINE, LABEL_VERSION } from "../engine/labels";
import type { TemplateKind } from "../ports/engine";
import type { PipelineRecord } from "../ports/pipeline-store";

/**
 * How an installed template stands against the pipeline that installs it: `current` (its latest good version),
 * `outdated` (the pipeline has a newer good version than the one installed: its install failed, or the template
 * was replaced outside Skiff), `unmanaged` (no Skiff pipeline installed it: `kubectl apply`, or its pipeline
 * record is gone).
 */
export type TemplateState = "current" | "outdated" | "unmanaged";

/** One template of an installed library: what a `templateRef` may name, and the inputs it takes. */
export interface TemplateEntry {
  name: string;
  /** Argo's template type: container, script, steps, dag, suspend, resource, http, ... */
  type: string;
  /** Input parameters; `required` when neither a value nor a default is declared. */
  inputs: Array<{ name: string; required: boolean; default?: string }>;
}

/** An installed WorkflowTemplate or ClusterWorkflowTemplate as `GET /templates` shows it. */
export interface TemplateView {
  name: string;
  kind: TemplateKind;
  /** A WorkflowTemplate's namespace. */
  namespace?: string;
  /** The pipeline that installed it, and the version installed (its labels). */
  pipeline?: string;
  version?: string;
  /** The installing pipeline's latest good version, when it has one. */
  latestGoodVersion?: string;
  state: TemplateState;
  /** When the engine first stored it. */
  createdAt?: string;
  templates: TemplateEntry[];
}

const TEMPLATE_TYPES = [
  "container",
  "script",
  "steps",
  "dag",
  "suspend",
  "resource",
  "http",
  "containerSet",
  "data",
  "plugin",
] as const;

function entryOf(t: Template): TemplateEntry {
  const type = TEMPLATE_TYPES.find((k) => t[k] !== undefined && t[k] !== null) ?? "unknown";
  return {
    name: t.name ?? "",
    type,
    inputs: (t.inputs?.parameters ?? []).map((p) => ({
      name: p.name,
      required: p.value === undefined && p.default === undefined && p.valueFrom === undefined,
      ...(p.default !== undefined ? { default: String(p.default) } : {}),
    })),
  };
}

/** The view of an installed template; `owner` is the record of the pipeline its labels name, if any. */
export function templateView(
  template: WorkflowTemplate | ClusterWorkflowTemplate,
  owner: PipelineRecord | undefined,
): TemplateView {
  const meta = template.metadata;
  const pipeline = meta.labels?.[LABEL_PIPELINE];
  const version = meta.labels?.[LABEL_VERSION];
  const latestGoodVersion = owner?.latestGoodVersion;
  let state: TemplateState = "unmanaged";
  if (pipeline && owner) state = version === latestGoodVersion ? "current" : "outdated";
  return {
    name: meta.name ?? "",
    kind: (template.kind ?? "WorkflowTemplate") as TemplateKind,
    ...(meta.namespace ? { namespace: meta.namespace } : {}),
    ...(pipeline ? { pipeline } : {}),
    ...(version ? { version } : {}),
    ...(latestGoodVersion && pipeline ? { latestGoodVersion } : {}),
    state,
    ...(meta.creationTimestamp ? { createdAt: String(meta.creationTimestamp) } : {}),
    templates: (template.spec.templates ?? []).map(entryOf),
  };
}

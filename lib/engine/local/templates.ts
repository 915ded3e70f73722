import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type {
  ClusterWorkflowTemplate,
  LifecycleHook,
  Template,
  TemplateRef,
  Workflow,
  WorkflowTemplate,
} from "../../argo";
import {
  joinWorkflowSpec,
  TEMPLATES_WITH_WORKFLOW_TEMPLATE_REF,
  templatesBesideWorkflowTemplateRef,
} from "../../argo/join-spec";
import { refScope, storedTemplateKey, type TemplateScope } from "../../argo/template-scope";
import type { TemplateKind, TemplateObjectRef } from "../../ports/engine";
import { WorkflowRejectedError } from "../../ports/engine-errors";

export type StoredTemplate = WorkflowTemplate | ClusterWorkflowTemplate;

/**
 * The local engine's WorkflowTemplates and ClusterWorkflowTemplates (what Argo's listers read on a cluster): one
 * object per kind, namespace and name, replaced whole by a newer install.
 */
export class TemplateRegistry {
  private readonly objects = new Map<string, StoredTemplate>();

  /** `file`: where the templates outlive the engine (beside its journal), read now and written on every change. */
  constructor(
    private readonly clusterTemplates: boolean,
    private readonly file?: string,
  ) {
    if (file && existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, "utf8")) as Record<string, StoredTemplate>;
      for (const [key, object] of Object.entries(saved)) this.objects.set(key, object);
    }
  }

  private save(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(Object.fromEntries(this.objects)));
    renameSync(temp, this.file);
  }

  install(object: StoredTemplate, namespace: string): StoredTemplate {
    const kind = object.kind ?? "WorkflowTemplate";
    if (kind !== "WorkflowTemplate" && kind !== "ClusterWorkflowTemplate") {
      throw new WorkflowRejectedError(
        `kind ${String(kind)} is not a WorkflowTemplate or ClusterWorkflowTemplate`,
      );
    }
    const name = object.metadata?.name;
    if (!name) throw new WorkflowRejectedError(`a ${kind} needs metadata.name`);
    if (kind === "ClusterWorkflowTemplate") this.assertClusterAllowed(name);
    const stored = structuredClone(object) as StoredTemplate;
    stored.kind = kind;
    stored.apiVersion = "argoproj.io/v1alpha1";
    stored.metadata = { ...stored.metadata, name };
    if (kind === "WorkflowTemplate") stored.metadata.namespace = namespace;
    else delete stored.metadata.namespace;
    this.objects.set(this.key(kind, name, namespace), stored);
    this.save();
    return structuredClone(stored);
  }

  get(ref: TemplateObjectRef, namespace: string): StoredTemplate | undefined {
    if (ref.kind === "ClusterWorkflowTemplate") this.assertClusterAllowed(ref.name);
    const found = this.objects.get(this.key(ref.kind, ref.name, ref.namespace ?? namespace));
    return found && structuredClone(found);
  }

  /** A kind's templates (a WorkflowTemplate's in `namespace`), by name. */
  list(kind: TemplateKind, namespace: string): StoredTemplate[] {
    if (kind === "ClusterWorkflowTemplate") this.assertClusterAllowed("*");
    return [...this.objects.values()]
      .filter(
        (t) => t.kind === kind && (kind === "ClusterWorkflowTemplate" || t.metadata.namespace === namespace),
      )
      .sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""))
      .map((t) => structuredClone(t));
  }

  /** Whether it existed. */
  remove(ref: TemplateObjectRef, namespace: string): boolean {
    if (ref.kind === "ClusterWorkflowTemplate") this.assertClusterAllowed(ref.name);
    const existed = this.objects.delete(this.key(ref.kind, ref.name, ref.namespace ?? namespace));
    if (existed) this.save();
    return existed;
  }

  /**
   * Prepares a submitted workflow as Argo's operator does before it runs: a `workflowTemplateRef` is joined
   * (`status.storedWorkflowTemplateSpec`, and the spec the execution reads), and every template reached through a
   * templateRef, directly or from inside another WorkflowTemplate, is stored in `status.storedTemplates`, so that
   * the run keeps the templates it started with when they are changed later. A reference that does not resolve
   * rejects the workflow, as Argo's validation at submit does.
   */
  resolveInto(wf: Workflow): void {
    const namespace = wf.metadata.namespace ?? "default";
    wf.status ??= {};
    const wfRef = wf.spec.workflowTemplateRef;
    if (wfRef) {
      if (templatesBesideWorkflowTemplateRef(wf.spec))
        throw new WorkflowRejectedError(TEMPLATES_WITH_WORKFLOW_TEMPLATE_REF);
      const kind: TemplateKind = wfRef.clusterScope ? "ClusterWorkflowTemplate" : "WorkflowTemplate";
      if (wfRef.clusterScope) this.assertClusterAllowed(wfRef.name ?? "");
      const base = this.get({ kind, name: wfRef.name ?? "" }, namespace);
      if (!base) throw new WorkflowRejectedError(`${plural(kind)} "${wfRef.name ?? ""}" not found`);
      const joined = joinWorkflowSpec({ ...wf.spec, workflowTemplateRef: undefined }, base.spec);
      wf.status.storedWorkflowTemplateSpec = structuredClone(joined);
      wf.spec = { ...joined, workflowTemplateRef: wfRef };
    }
    const stored: Record<string, Template> = {};
    const own = new Map((wf.spec.templates ?? []).map((t) => [t.name ?? "", t]));
    const holders = new Map<TemplateScope, Map<string, Template>>();
    const seen = new Set<string>();
    const visit = (scope: TemplateScope | undefined, tmpl: Template): void => {
      for (const holder of references(tmpl)) {
        if (holder.templateRef) {
          const target = refScope(holder.templateRef);
          const found = this.lookupRef(holder.templateRef, namespace, holders);
          const key = storedTemplateKey(target, holder.templateRef.template ?? "");
          if (seen.has(key)) continue;
          seen.add(key);
          stored[key] = found;
          visit(target, found);
        } else if (holder.template && scope) {
          const found = holders.get(scope)?.get(holder.template);
          if (!found) throw new WorkflowRejectedError(`template ${holder.template} not found (${scope})`);
          const key = storedTemplateKey(scope, holder.template);
          if (seen.has(key)) continue;
          seen.add(key);
          stored[key] = found;
          visit(scope, found);
        } else if (holder.inline) visit(scope, holder.inline);
      }
    };
    for (const t of own.values()) visit(undefined, t);
    for (const hook of Object.values(wf.spec.hooks ?? {})) visit(undefined, { steps: [[hook]] } as Template);
    if (Object.keys(stored).length > 0) wf.status.storedTemplates = stored;
  }

  /** The template a templateRef names, with its (Cluster)WorkflowTemplate's podMetadata (addPodMetadata). */
  private lookupRef(
    ref: TemplateRef,
    namespace: string,
    holders: Map<TemplateScope, Map<string, Template>>,
  ): Template {
    const scope = refScope(ref);
    let templates = holders.get(scope);
    if (!templates) {
      const kind: TemplateKind = ref.clusterScope ? "ClusterWorkflowTemplate" : "WorkflowTemplate";
      if (ref.clusterScope) this.assertClusterAllowed(ref.name ?? "");
      const object = this.get({ kind, name: ref.name ?? "" }, namespace);
      if (!object) throw new WorkflowRejectedError(`workflow template ${ref.name ?? ""} not found`);
      templates = new Map(
        (object.spec.templates ?? []).map((t) => [t.name ?? "", withPodMetadata(t, object.spec.podMetadata)]),
      );
      holders.set(scope, templates);
    }
    const found = templates.get(ref.template ?? "");
    if (!found) {
      throw new WorkflowRejectedError(
        `template ${ref.template ?? ""} not found in workflow template ${ref.name ?? ""}`,
      );
    }
    return found;
  }

  private assertClusterAllowed(name: string): void {
    if (!this.clusterTemplates) {
      throw new WorkflowRejectedError(
        `ClusterWorkflowTemplate ${name}: cluster templates are not enabled on this deployment (SKIFF_CLUSTER_TEMPLATES)`,
      );
    }
  }

  private key(kind: TemplateKind, name: string, namespace: string): string {
    return kind === "ClusterWorkflowTemplate" ? `cluster/${name}` : `namespaced/${namespace}/${name}`;
  }
}

function plural(kind: TemplateKind): string {
  return kind === "ClusterWorkflowTemplate"
    ? "clusterworkflowtemplates.argoproj.io"
    : "workflowtemplates.argoproj.io";
}

interface Holder {
  template?: string;
  templateRef?: TemplateRef;
  inline?: Template;
}

/** What a template invokes: its steps, tasks, their hooks and exit handlers, its own hooks. */
function references(tmpl: Template): Holder[] {
  const out: Holder[] = [];
  const steps = [...(tmpl.steps ?? []).flat(), ...(tmpl.dag?.tasks ?? [])];
  for (const s of steps) {
    out.push({ template: s.template, templateRef: s.templateRef, inline: s.inline });
    if (s.onExit) out.push({ template: s.onExit });
    for (const hook of Object.values(s.hooks ?? {}) as LifecycleHook[]) {
      out.push({ template: hook.template, templateRef: hook.templateRef });
    }
  }
  return out;
}

function withPodMetadata(t: Template, podMetadata: Template["metadata"]): Template {
  if (!podMetadata?.labels && !podMetadata?.annotations) return t;
  return {
    ...t,
    metadata: {
      ...t.metadata,
      labels: { ...podMetadata.labels, ...t.metadata?.labels },
      annotations: { ...podMetadata.annotations, ...t.metadata?.annotations },
    },
  };
}

import type { K8SContainer, Template, Workflow } from "../../argo";
import { WorkflowRejectedError } from "../../ports/engine-errors";

/** A semaphore runs locally only when the engine was given its limit (`<configmap>/<key>`). */
function semaphoreConfigured(
  ref: { name?: string; key: string } | undefined,
  limits: Record<string, number>,
): boolean {
  return !!ref && limits[`${ref.name ?? ""}/${ref.key}`] !== undefined;
}

/**
 * Fields Kubernetes declares as strings: a YAML number or boolean there is refused at submit, as Argo's API
 * refuses it when it decodes the Workflow, instead of failing the step later.
 */
function nonStringField(container: K8SContainer): string | undefined {
  for (const field of ["command", "args"] as const) {
    const list: unknown[] = container[field] ?? [];
    const at = list.findIndex((v) => typeof v !== "string");
    if (at >= 0) return `${field}[${at}] is ${JSON.stringify(list[at])}, not a string`;
  }
  for (const e of container.env ?? []) {
    const value: unknown = e.value;
    if (value !== undefined && typeof value !== "string")
      return `env ${e.name} has value ${JSON.stringify(value)}, not a string (quote it)`;
  }
  return undefined;
}

/** Features that only make sense on a cluster; the local engine refuses them at submit. */
function containerFeatures(container: K8SContainer | undefined): string[] {
  if (!container) return [];
  const found: string[] = [];
  if (container.volumeMounts?.length) found.push("volumeMounts");
  if (container.envFrom?.length) found.push("envFrom (secrets/configmaps)");
  for (const env of container.env ?? []) {
    if (env.valueFrom?.secretKeyRef) found.push("secrets (env.valueFrom.secretKeyRef)");
    else if (env.valueFrom?.configMapKeyRef) found.push("configmaps (env.valueFrom.configMapKeyRef)");
    else if (env.valueFrom) found.push("env.valueFrom");
  }
  return found;
}

function templateFeatures(t: Template, semaphores: Record<string, number>): string[] {
  const found: string[] = [];
  if (t.resource) found.push("resource templates");
  if (t.daemon) found.push("daemons");
  if (t.sidecars?.length) found.push("sidecars");
  if (t.initContainers?.length) found.push("initContainers");
  if (t.volumes?.length) found.push("volumes");
  if (t.containerSet) found.push("containerSet");
  if (t.plugin) found.push("plugin templates");
  if (t.data) found.push("data templates");
  if (t.memoize) found.push("memoize (configmap cache)");
  found.push(...containerFeatures(t.container), ...containerFeatures(t.script));
  for (const sem of t.synchronization?.semaphores ?? []) {
    if (!semaphoreConfigured(sem.configMapKeyRef, semaphores)) found.push("semaphores (configmap/database)");
  }
  if (t.synchronization?.mutexes?.some((m) => m.database)) found.push("database mutexes");
  for (const p of [...(t.inputs?.parameters ?? []), ...(t.outputs?.parameters ?? [])]) {
    const from = p.valueFrom;
    if (from?.configMapKeyRef) found.push("configmaps (valueFrom.configMapKeyRef)");
    if (from?.jsonPath || from?.jqFilter) found.push("resource outputs (jsonPath/jqFilter)");
    if (from?.event) found.push("valueFrom.event");
  }
  for (const a of [...(t.inputs?.artifacts ?? []), ...(t.outputs?.artifacts ?? [])]) {
    for (const kind of ["git", "http", "gcs", "azure", "hdfs", "oss", "artifactory", "plugin"] as const) {
      if (a[kind]) found.push(`${kind} artifacts`);
    }
  }
  const steps = (t.steps ?? []).flat();
  for (const s of [...steps, ...(t.dag?.tasks ?? [])]) {
    for (const a of s.arguments?.artifacts ?? []) {
      for (const kind of ["git", "http", "gcs", "azure", "hdfs", "oss", "artifactory", "plugin"] as const) {
        if (a[kind]) found.push(`${kind} artifacts`);
      }
    }
  }
  return found;
}

/**
 * Refuses what cannot run faithfully on one host, with `not supported by the local engine: <feature> (template <name>)`.
 * Scheduling hints (nodeSelector, affinity, tolerations, resources, podGC, podMetadata, podSpecPatch, metrics...)
 * are accepted: on one host they have nothing to act on.
 */
export function assertRunnableLocally(wf: Workflow, semaphores: Record<string, number> = {}): void {
  const spec = wf.spec;
  const refuse = (feature: string, where: string): never => {
    throw new WorkflowRejectedError(`not supported by the local engine: ${feature} (${where})`);
  };
  if (spec.volumeClaimTemplates?.length)
    refuse("persistent volume claims (volumeClaimTemplates)", "workflow spec");
  if (spec.volumes?.length) refuse("volumes", "workflow spec");
  if (spec.executorPlugins?.length) refuse("executor plugins", "workflow spec");
  for (const sem of spec.synchronization?.semaphores ?? []) {
    if (!semaphoreConfigured(sem.configMapKeyRef, semaphores))
      refuse("semaphores (configmap/database)", "workflow spec");
  }
  for (const a of spec.arguments?.artifacts ?? []) {
    for (const kind of ["git", "http", "gcs", "azure", "hdfs", "oss", "artifactory", "plugin"] as const) {
      if (a[kind]) refuse(`${kind} artifacts`, `argument ${a.name}`);
    }
  }
  for (const p of spec.arguments?.parameters ?? []) {
    if (p.valueFrom?.configMapKeyRef) refuse("configmaps (valueFrom.configMapKeyRef)", `parameter ${p.name}`);
  }
  // Templates reached by templateRef (stored at submit) run here too, so they are held to the same rules.
  const referenced = Object.values(wf.status?.storedTemplates ?? {});
  const all: Template[] = [...(spec.templates ?? []), ...referenced];
  for (const t of [...(spec.templates ?? []), ...referenced]) {
    for (const s of [...(t.steps ?? []).flat(), ...(t.dag?.tasks ?? [])]) if (s.inline) all.push(s.inline);
  }
  if (spec.templateDefaults) {
    const [first] = templateFeatures(spec.templateDefaults, semaphores);
    if (first) refuse(first, "templateDefaults");
  }
  for (const t of all) {
    const [first] = templateFeatures(t, semaphores);
    if (first) refuse(first, `template ${t.name ?? "(inline)"}`);
    for (const [kind, c] of [
      ["container", t.container],
      ["script", t.script],
    ] as const) {
      const bad = c && nonStringField(c);
      if (bad) {
        throw new WorkflowRejectedError(`invalid spec: template ${t.name ?? "(inline)"}: ${kind}.${bad}`);
      }
    }
  }
}

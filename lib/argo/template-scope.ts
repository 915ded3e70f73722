import type { TemplateRef } from "./types.generated";

/**
 * Where a template is looked up, in Argo's words (templateresolution: `GetTemplateScope`): `local/<workflow>`,
 * `namespaced/<WorkflowTemplate>` or `cluster/<ClusterWorkflowTemplate>`. A template reached by templateRef runs in
 * its WorkflowTemplate's scope: the plain `template:` references of its steps and tasks resolve there.
 */
export type TemplateScope = `local/${string}` | `namespaced/${string}` | `cluster/${string}`;

/** The scope a templateRef leads into. */
export function refScope(ref: Pick<TemplateRef, "name" | "clusterScope">): TemplateScope {
  return `${ref.clusterScope ? "cluster" : "namespaced"}/${ref.name ?? ""}`;
}

/** Argo's `status.storedTemplates` key of a template of a referenced (Cluster)WorkflowTemplate. */
export function storedTemplateKey(scope: TemplateScope, template: string): string {
  return `${scope}/${template}`;
}

/** The scope and template name a `status.storedTemplates` key names; undefined for another key. */
export function parseStoredTemplateKey(key: string): { scope: TemplateScope; template: string } | undefined {
  const match = /^(namespaced|cluster)\/([^/]+)\/(.+)$/.exec(key);
  if (!match) return undefined;
  return { scope: `${match[1] as "namespaced" | "cluster"}/${match[2] ?? ""}`, template: match[3] ?? "" };
}

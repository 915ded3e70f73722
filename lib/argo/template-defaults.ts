import { strategicMerge } from "./strategic-merge";
import type { Template } from "./types.generated";

/**
 * `spec.templateDefaults` merged into a template as Argo does (operator.go, mergedTemplateDefaultsInto): the
 * defaults' type-specific field (`container`, `script`, `dag`, …) only reaches templates of that type, then the
 * template is applied over the defaults as a Kubernetes strategic merge patch: objects merge key by key, lists
 * with a patch merge key (parameters and artifacts by name, env by name, volumeMounts by mountPath, …) merge
 * item by item, other lists and scalars are the template's.
 */
export function mergeTemplateDefaults(defaults: Template | undefined, tmpl: Template): Template {
  if (!defaults) return tmpl;
  const own = typeField(tmpl);
  const applicable: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(defaults)) {
    if (TYPE_FIELDS.includes(key) && key !== own) continue;
    applicable[key] = value;
  }
  return strategicMerge(applicable, tmpl as Record<string, unknown>, mergeKey) as Template;
}

/** The fields that give a template its type, in the order Argo's GetType looks at them. */
const TYPE_FIELDS = [
  "container",
  "containerSet",
  "steps",
  "script",
  "resource",
  "dag",
  "suspend",
  "data",
  "http",
  "plugin",
];

function typeField(t: Template): string | undefined {
  const fields = t as Record<string, unknown>;
  return TYPE_FIELDS.find((f) => fields[f] !== undefined && fields[f] !== null);
}

/** Patch merge keys of the Template type's lists (pkg/apis/workflow/v1alpha1 `patchMergeKey` tags). */
const TEMPLATE_LIST_KEYS: Readonly<Record<string, string>> = {
  "inputs.parameters": "name",
  "inputs.artifacts": "name",
  "outputs.parameters": "name",
  "outputs.artifacts": "name",
  volumes: "name",
  initContainers: "name",
  sidecars: "name",
  tolerations: "key",
  hostAliases: "ip",
  "dag.tasks": "name",
};

/** Patch merge keys of a Kubernetes container's lists (core/v1 Container). */
const CONTAINER_LIST_KEYS: Readonly<Record<string, string>> = {
  env: "name",
  ports: "containerPort",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
};

const CONTAINER_FIELDS = new Set(["container", "script", "initContainers", "sidecars"]);

function mergeKey(path: readonly string[]): string | undefined {
  const joined = path.join(".");
  if (Object.hasOwn(TEMPLATE_LIST_KEYS, joined)) return TEMPLATE_LIST_KEYS[joined];
  const [parent, field] = path;
  if (
    path.length === 2 &&
    parent &&
    field &&
    CONTAINER_FIELDS.has(parent) &&
    Object.hasOwn(CONTAINER_LIST_KEYS, field)
  )
    return CONTAINER_LIST_KEYS[field];
  return undefined;
}

// Kubernetes' strategic merge patch, as Argo applies it to join a Workflow over its WorkflowTemplate
// (join-spec.ts) and a template over `spec.templateDefaults` (template-defaults.ts). Each caller says which lists
// merge by which key.

/** A list's patch merge key (its `patchMergeKey` tag) by the list's path of field names; undefined: replaced whole. */
export type MergeKeyOf = (path: readonly string[]) => string | undefined;

/**
 * `patch` over `original`: objects merge key by key; a list with a merge key merges item by item (the original's
 * items in their order, each merged with the patch's item of the same key, then the patch's new items); other lists
 * and scalars are the patch's. `null` deletes a field. The result shares objects with both inputs.
 */
export function strategicMerge(
  original: Record<string, unknown>,
  patch: Record<string, unknown>,
  mergeKey: MergeKeyOf,
): Record<string, unknown> {
  return mergeObjects(original, patch, [], mergeKey);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Go's json.Marshal leaves out empty strings and empty lists (omitempty): they patch nothing. */
function omitted(v: unknown): boolean {
  return v === undefined || v === "" || (Array.isArray(v) && v.length === 0);
}

function mergeObjects(
  original: Record<string, unknown>,
  patch: Record<string, unknown>,
  path: readonly string[],
  mergeKey: MergeKeyOf,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...original };
  for (const [key, value] of Object.entries(patch)) {
    if (omitted(value)) continue;
    if (value === null) {
      delete out[key];
      continue;
    }
    out[key] = mergeValues(out[key], value, [...path, key], mergeKey);
  }
  return out;
}

function mergeValues(
  original: unknown,
  patch: unknown,
  path: readonly string[],
  mergeKey: MergeKeyOf,
): unknown {
  if (isObject(original) && isObject(patch)) return mergeObjects(original, patch, path, mergeKey);
  if (Array.isArray(original) && Array.isArray(patch)) {
    const key = mergeKey(path);
    if (key) return mergeLists(original, patch, key, path, mergeKey);
  }
  return patch;
}

function mergeLists(
  original: unknown[],
  patch: unknown[],
  key: string,
  path: readonly string[],
  mergeKey: MergeKeyOf,
): unknown[] {
  const out = [...original];
  for (const item of patch) {
    const at = isObject(item) ? out.findIndex((o) => isObject(o) && o[key] === item[key]) : -1;
    if (at < 0) out.push(item);
    // An item's own fields are found under the list's path (an init container's env: initContainers.env).
    else
      out[at] = mergeObjects(
        out[at] as Record<string, unknown>,
        item as Record<string, unknown>,
        path,
        mergeKey,
      );
  }
  return out;
}

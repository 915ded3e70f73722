import { type CodeSite, type Diagnostic, errorAt } from "../diagnostics";
import { isObject } from "./json";
import { namespaceViolation } from "./namespaces";
import { argoRules, type LintOptions } from "./rules";
import { validateSchema } from "./schema";
import { serviceAccountViolations } from "./service-accounts";

export { type NamespacePolicy, namespacePolicy } from "./namespaces";
export { LIMITS, type LintOptions, TEMPLATE_TYPES } from "./rules";
export { type ServiceAccountPolicy, serviceAccountPolicy } from "./service-accounts";

/** Where user code created each part of the spec: spec path → upload file:line:col. */
export type SpecSites = Record<string, CodeSite>;

/** The site of the deepest recorded spec path that contains `path` (the path itself, or an ancestor). */
export function siteFor(path: string | undefined, sites: SpecSites | undefined): CodeSite | undefined {
  if (path === undefined || sites === undefined) return undefined;
  let best: string | undefined;
  for (const key of Object.keys(sites)) {
    const contains = key === path || path.startsWith(`${key}.`) || path.startsWith(`${key}[`) || key === "";
    if (contains && (best === undefined || key.length > best.length)) best = key;
  }
  if (best !== undefined) return sites[best];
  // The workflow's own fields (spec.serviceAccountName, spec.templateDefaults, ...) were set by the call that
  // made the workflow, which the DSL records under `metadata`; templates have sites of their own.
  return /^spec\.(?!templates\[)/.test(path) ? sites.metadata : undefined;
}

/**
 * Lints a spec: Argo's JSON Schema for its kind, then Argo's rules the schema cannot express. Every
 * diagnostic has a spec path; with `sites` (from the DSL), those in user code get file:line:col too.
 */
export function lintSpec(
  spec: unknown,
  sites?: SpecSites | (() => SpecSites | undefined),
  options: LintOptions = {},
): Diagnostic[] {
  const diagnostics = validateSchema(spec);
  if (isObject(spec)) diagnostics.push(...argoRules(spec, options));
  const namespace = options.namespaces ? namespaceViolation(spec, options.namespaces) : undefined;
  if (namespace) diagnostics.push(errorAt(namespace.code, namespace.message, undefined, namespace.path));
  if (options.serviceAccounts) {
    for (const v of serviceAccountViolations(spec, options.serviceAccounts))
      diagnostics.push(errorAt(v.code, v.message, undefined, v.path));
  }
  return placeDiagnostics(diagnostics, sites);
}

/**
 * Gives diagnostics without a file the site of their spec path. A function is called only when there is
 * something to place (mapping sites can cost more than linting).
 */
export function placeDiagnostics(
  diagnostics: Diagnostic[],
  sites?: SpecSites | (() => SpecSites | undefined),
): Diagnostic[] {
  if (diagnostics.length === 0 || sites === undefined) return diagnostics;
  const known = typeof sites === "function" ? sites() : sites;
  return diagnostics.map((d) => {
    const site = siteFor(d.path, known);
    return site && d.file === undefined ? { ...d, file: site.file, line: site.line, column: site.column } : d;
  });
}

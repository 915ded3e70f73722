// Which Kubernetes namespace a spec's workflow runs in: one rule for both engines, applied by the build's lint
// and again by the run endpoint before it submits (a spec stored under an older allow-list is refused when run).
import { isObject } from "./json";

export interface NamespacePolicy {
  /** Where a spec that names no namespace runs: the deployment's (SKIFF_NAMESPACE). */
  default: string;
  /** The namespaces a spec may name (SKIFF_NAMESPACES; always includes `default`). */
  allowed: readonly string[];
}

export interface NamespaceViolation {
  code: "namespace.not-allowed";
  message: string;
  path: "metadata.namespace";
}

/** A deployment's policy from its engine settings (lib/config.ts). */
export function namespacePolicy(engine: {
  namespace: string;
  namespaces?: readonly string[];
}): NamespacePolicy {
  return {
    default: engine.namespace,
    allowed: [...new Set([engine.namespace, ...(engine.namespaces ?? [])])],
  };
}

/** The namespace `spec` asks for, when it names one. */
function namedNamespace(spec: unknown): string | undefined {
  if (!isObject(spec) || !isObject(spec.metadata)) return undefined;
  const ns = spec.metadata.namespace;
  return typeof ns === "string" && ns !== "" ? ns : undefined;
}

export function namespaceViolation(spec: unknown, policy: NamespacePolicy): NamespaceViolation | undefined {
  const named = namedNamespace(spec);
  if (named === undefined || named === policy.default || policy.allowed.includes(named)) return undefined;
  return {
    code: "namespace.not-allowed",
    message: `namespace "${named}" is not allowed: this deployment runs workflows in ${policy.allowed.join(", ")} (SKIFF_NAMESPACES); leave metadata.namespace out to run in ${policy.default}`,
    path: "metadata.namespace",
  };
}

/** The namespace the workflow is submitted to: the one the spec names (once allowed), else the default. */
export function namespaceFor(spec: unknown, policy: NamespacePolicy): string {
  return namedNamespace(spec) ?? policy.default;
}

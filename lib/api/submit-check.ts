// The run endpoint's check of a spec before any run record is written: the service account rule the build's
// lint applies (lib/compiler/lint/service-accounts.ts), again, because the spec may have been built under an
// older allow-list, and overrides and profiles change it after the build.
import type { Workflow } from "../argo";
import { type NamespacePolicy, namespaceFor, namespaceViolation } from "../compiler/lint/namespaces";
import {
  type ServiceAccountPolicy,
  serviceAccountPolicy,
  serviceAccountViolations,
} from "../compiler/lint/service-accounts";
import { defaultServiceAccounts } from "../config";
import { unprocessable } from "./errors";

/** Without a configured policy: only the default account, and no notifier template allowed. */
const defaultPolicy = serviceAccountPolicy(defaultServiceAccounts, undefined);

/** Throws a 422 naming each field of `spec` that names a service account `policy` does not allow. */
export function checkSpecServiceAccounts(spec: Workflow, policy: ServiceAccountPolicy = defaultPolicy): void {
  const violations = serviceAccountViolations(spec, policy);
  if (violations.length === 0) return;
  throw unprocessable(
    "the pipeline's spec names a service account this deployment does not allow",
    violations.map((v) => ({ field: v.path, message: v.message, code: v.code })),
  );
}

/** The one namespace rule (lib/compiler/lint/namespaces.ts) at submit: the namespace to run in, or a 422. */
export function checkSpecNamespace(spec: Workflow, policy: NamespacePolicy): string {
  const violation = namespaceViolation(spec, policy);
  if (violation) {
    throw unprocessable("the pipeline's spec names a namespace this deployment does not allow", [
      { field: violation.path, message: violation.message, code: violation.code },
    ]);
  }
  return namespaceFor(spec, policy);
}

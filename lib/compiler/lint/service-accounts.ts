// Which Kubernetes service accounts a spec may run as: the one rule the build's lint and the run endpoint's
// submit check both apply (a spec stored under an older allow-list is still refused when it is run).
import { isDeepStrictEqual } from "node:util";
import { CORE_SCHEMA, loadAll } from "js-yaml";
import type { ServiceAccounts } from "../../config";
import { type ExitNotifierOptions, notifierTemplate } from "../exit-notifier";
import { isObject, keySegment } from "./json";
import { workflowSpec } from "./rules";

export interface ServiceAccountPolicy {
  /** The accounts a spec may name (the deployment's allow-list); naming none runs as the namespace's default. */
  allowed: readonly string[];
  notifier: {
    /** The exit notifier's account, allowed to put events on the Skiff bus: no pipeline may run as it. */
    serviceAccountName: string;
    /**
     * The notifier template the build injects (argo engine): the one allowed user of the account. Given, it
     * also means the notifier runs beside the workflow's pods, so workflow-wide pod settings are refused.
     */
    template?: unknown;
  };
}

/**
 * The policy of a deployment: its allow-list and notifier account, and the notifier template its build
 * injects (`notifier`: the build's exit notifier options, undefined when it injects none).
 */
export function serviceAccountPolicy(
  accounts: ServiceAccounts,
  notifier: ExitNotifierOptions | undefined,
): ServiceAccountPolicy {
  return {
    allowed: accounts.allowed,
    notifier: {
      serviceAccountName: accounts.notifier,
      ...(notifier ? { template: notifierTemplate(notifier) } : {}),
    },
  };
}

export interface ServiceAccountViolation {
  /** Path into the spec, e.g. `spec.templates[2].serviceAccountName`. */
  path: string;
  code: "service-account.not-allowed" | "service-account.notifier" | "service-account.notifier-pod";
  message: string;
}

/**
 * Every place Argo's schema names a service account is a `serviceAccountName` key: the workflow spec, each
 * template (also inline ones and `templateDefaults`), `executor`, `artifactGC` (workflow-level and per artifact).
 * A pod can also be given one by a `podSpecPatch` (a strategic merge patch: `serviceAccountName` or the
 * deprecated `serviceAccount`) and by a resource template's spec; both are strings, read as YAML here.
 */
const ACCOUNT_KEYS = new Set(["serviceaccountname", "serviceaccount"]);
/**
 * Compared without case: Go's encoding/json matches field names case-insensitively, so a patch's
 * `ServiceAccountName` names the pod's account too.
 */
const isAccountKey = (key: string, inText: boolean): boolean => {
  const lower = key.toLowerCase();
  return ACCOUNT_KEYS.has(lower) && (inText || lower === "serviceaccountname");
};
/** Free-form string maps: their keys are not fields. */
const MAPS = new Set(["labels", "annotations", "nodeSelector"]);
/**
 * `templateDefaults` fields that are merged into the notifier's template too and cannot run code in its pod or
 * change who it runs as; any other default (a sidecar, an init container, container lifecycle hooks, a patch,
 * pod metadata for injecting webhooks...) would run inside the pod that holds the notifier's credentials.
 */
const DEFAULTS_BESIDE_NOTIFIER = new Set([
  "timeout",
  "activeDeadlineSeconds",
  "retryStrategy",
  "nodeSelector",
  "tolerations",
  "affinity",
  "priorityClassName",
  "priority",
  "schedulerName",
  "parallelism",
  "failFast",
]);
/** Workflow-wide pod settings that reach every pod, the notifier's included. */
const WORKFLOW_WIDE_POD_FIELDS = ["podSpecPatch", "podMetadata"] as const;

/** The service accounts `spec` names that `policy` does not allow (none for a spec that is not a workflow). */
export function serviceAccountViolations(
  spec: unknown,
  policy: ServiceAccountPolicy,
): ServiceAccountViolation[] {
  if (!isObject(spec)) return [];
  const found = workflowSpec(spec);
  if (!found) return [];
  const out: ServiceAccountViolation[] = [];
  const notifier = policy.notifier.serviceAccountName;
  const allowed = new Set(policy.allowed);
  const genuine = policy.notifier.template;
  const allowList = policy.allowed.length > 0 ? policy.allowed.join(", ") : "none";

  const check = (value: unknown, path: string, holder: unknown) => {
    if (value === undefined || value === null) return;
    if (typeof value !== "string") {
      // A patch like `{"serviceAccountName": {{inputs.parameters.sa}}}` reads as YAML, but not as a name.
      out.push({ path, code: "service-account.not-allowed", message: "is not a service account name" });
      return;
    }
    if (value === notifier) {
      // The build's own notifier template, exactly as the build makes it, is the one allowed user.
      if (genuine !== undefined && isDeepStrictEqual(holder, genuine)) return;
      const lookAlike = isObject(genuine) && isObject(holder) && holder.name === genuine.name;
      out.push({
        path,
        code: "service-account.notifier",
        message: lookAlike
          ? `this exit notifier template is not the one this deployment's build injects (a spec built before the notifier changed, or a forgery): push the pipeline again to rebuild it`
          : `"${notifier}" is the exit notifier's service account (it may put events on the Skiff bus); pipelines cannot run as it`,
      });
    } else if (!allowed.has(value)) {
      out.push({
        path,
        code: "service-account.not-allowed",
        message: value.includes("{{")
          ? `a service account cannot come from an expression ("${value}"): name one this deployment allows (${allowList})`
          : `service account "${value}" is not allowed: this deployment allows ${allowList} (SKIFF_SERVICE_ACCOUNTS)`,
      });
    }
  };

  /** Service accounts inside YAML/JSON text (a pod spec patch, a resource spec). */
  const checkText = (text: unknown, path: string) => {
    if (typeof text !== "string") return;
    let documents: unknown[] | undefined;
    try {
      // YAML 1.2's core schema; a key given twice is refused (which of the two would Argo read?).
      documents = loadAll(text, null, { schema: CORE_SCHEMA });
    } catch {
      documents = undefined;
    }
    if (!documents) {
      // Unreadable before Argo substitutes its expressions: refused only if it may name an account (by name,
      // or spelled with escapes that would decode to one).
      if (!/serviceaccount|\\/i.test(text)) return;
      out.push({
        path,
        code: "service-account.not-allowed",
        message:
          "names a service account in text that is not valid YAML/JSON (an expression?), so it cannot be checked",
      });
      return;
    }
    for (const document of documents) walk(document, path, true);
  };

  // Iterative: a spec (or a patch in it) may nest deeper than the call stack would allow.
  const walk = (root: unknown, rootPath: string, inText = false): void => {
    const pending: Array<[unknown, string]> = [[root, rootPath]];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const [node, path] = next;
      if (Array.isArray(node)) {
        for (let i = node.length - 1; i >= 0; i--) pending.push([node[i], `${path}[${i}]`]);
        continue;
      }
      if (!isObject(node)) continue;
      for (const [key, value] of Object.entries(node).reverse()) {
        const at = `${path}${keySegment(key)}`;
        if (isAccountKey(key, inText)) check(value, at, node);
        else if (key === "podSpecPatch") checkText(value, at);
        else if (key === "manifest" && path.endsWith(".resource")) checkText(value, at);
        else if (!MAPS.has(key)) pending.push([value, at]);
      }
    }
  };
  walk(found.spec, found.path);

  if (genuine !== undefined) {
    const spec = found.spec;
    for (const field of WORKFLOW_WIDE_POD_FIELDS) {
      if (spec[field] !== undefined) {
        out.push({
          path: `${found.path}.${field}`,
          code: "service-account.notifier-pod",
          message: `a workflow-wide ${field} also reaches the exit notifier's pod, which runs as "${notifier}": set it on the templates that need it`,
        });
      }
    }
    const defaults = spec.templateDefaults;
    if (isObject(defaults)) {
      for (const key of Object.keys(defaults).filter((k) => !DEFAULTS_BESIDE_NOTIFIER.has(k))) {
        out.push({
          path: `${found.path}.templateDefaults${keySegment(key)}`,
          code: "service-account.notifier-pod",
          message: `templateDefaults.${key} also applies to the exit notifier's template, whose pod runs as "${notifier}": set it on the templates that need it`,
        });
      }
    }
  }
  return out;
}

import type { DAGTask, LifecycleHook, Template, Workflow } from "../argo";
import { LABEL_RUN_ID } from "../engine/labels";

/** Template names the notifier adds; a spec that already has them is returned unchanged. */
export const NOTIFIER_TEMPLATE = "skiff-exit-notifier";
export const COMPOSED_EXIT_TEMPLATE = "skiff-exit-handler";

export interface ExitNotifierOptions {
  /** Name or ARN of the EventBridge bus the event goes to (the Skiff bus). */
  eventBusName: string;
  /** AWS region of the bus. Default: the pod's AWS_REGION (set by IRSA's webhook). */
  region?: string;
  /** Image with the AWS CLI v2, `sh` and `sed`. Default `public.ecr.aws/aws-cli/aws-cli:2.17.0`. */
  image?: string;
  /**
   * Service account the notifier pod runs as: annotate it with `eks.amazonaws.com/role-arn` (IRSA)
   * for a role allowed `events:PutEvents` on the bus. Default: the workflow's service account.
   */
  serviceAccountName?: string;
  /** Event source. Default `skiff.engine` (what the watcher's rule matches). */
  source?: string;
  /** Event detail-type. Default `Workflow Status Change`. */
  detailType?: string;
  /** Attempts for the PutEvents call (Argo retryStrategy limit). Default 3. */
  retryLimit?: number;
}

const DEFAULTS = {
  image: "public.ecr.aws/aws-cli/aws-cli:2.17.0",
  source: "skiff.engine",
  detailType: "Workflow Status Change",
  retryLimit: 3,
};

/**
 * The notifier's program. Values arrive as environment variables (Argo substitutes them into the
 * template, never into this text), are JSON-escaped with sed, and the entry goes to PutEvents from
 * a file. `{{workflow.failures}}` arrives pre-quoted (a JSON string holding the JSON list), so it is
 * unquoted once; when the workflow had no failures Argo leaves the tag verbatim, which becomes `[]`.
 * A failed entry (FailedEntryCount ≠ 0) fails the step, so Argo's retryStrategy tries again.
 */
export const NOTIFIER_SCRIPT = `set -eu
entries="\${TMPDIR:-/tmp}/skiff-entries-$$.json"
esc() { printf '%s' "$1" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g' | tr -d '\\n\\r'; }
case "$SKIFF_FAILURES" in
  '"'*) failures=$(printf '%s' "$SKIFF_FAILURES" | sed -e 's/^"//' -e 's/"$//' -e 's/\\\\"/"/g' -e 's/\\\\\\\\/\\\\/g') ;;
  '['*) failures=$SKIFF_FAILURES ;;
  *) failures='[]' ;;
esac
detail=$(printf '{"runId":"%s","namespace":"%s","workflowName":"%s","uid":"%s","phase":"%s","failures":"%s","origin":"exit-notifier"}' \\
  "$(esc "$SKIFF_RUN_ID")" "$(esc "$SKIFF_NAMESPACE")" "$(esc "$SKIFF_WORKFLOW_NAME")" "$(esc "$SKIFF_WORKFLOW_UID")" \\
  "$(esc "$SKIFF_STATUS")" "$(esc "$failures")")
printf '[{"Source":"%s","DetailType":"%s","EventBusName":"%s","Detail":"%s","Resources":[]}]' \\
  "$(esc "$SKIFF_EVENT_SOURCE")" "$(esc "$SKIFF_DETAIL_TYPE")" "$(esc "$SKIFF_EVENT_BUS")" "$(esc "$detail")" > "$entries"
out=$(aws events put-events --entries "file://$entries" --output json)
printf '%s\\n' "$out"
case "$out" in *'"FailedEntryCount": 0'*) ;; *) echo "skiff: PutEvents reported failed entries" >&2; exit 1 ;; esac
`;

/** The container template that calls PutEvents. */
export function notifierTemplate(options: ExitNotifierOptions): Template {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = { ...DEFAULTS, ...(defined as ExitNotifierOptions) };
  const env = [
    { name: "SKIFF_RUN_ID", value: `{{workflow.labels.${LABEL_RUN_ID}}}` },
    { name: "SKIFF_NAMESPACE", value: "{{workflow.namespace}}" },
    { name: "SKIFF_WORKFLOW_NAME", value: "{{workflow.name}}" },
    { name: "SKIFF_WORKFLOW_UID", value: "{{workflow.uid}}" },
    { name: "SKIFF_STATUS", value: "{{workflow.status}}" },
    { name: "SKIFF_FAILURES", value: "{{workflow.failures}}" },
    { name: "SKIFF_EVENT_BUS", value: o.eventBusName },
    { name: "SKIFF_EVENT_SOURCE", value: o.source },
    { name: "SKIFF_DETAIL_TYPE", value: o.detailType },
    ...(o.region ? [{ name: "AWS_REGION", value: o.region }] : []),
  ];
  return {
    name: NOTIFIER_TEMPLATE,
    ...(o.serviceAccountName ? { serviceAccountName: o.serviceAccountName } : {}),
    retryStrategy: { limit: o.retryLimit, retryPolicy: "Always", backoff: { duration: "5s", factor: 2 } },
    container: { image: o.image, command: ["sh", "-c"], args: [NOTIFIER_SCRIPT], env },
  };
}

/**
 * Adds the exit notifier to a Workflow spec (pure: returns a new object). Without a user exit
 * handler the notifier becomes `spec.onExit`. With one (`spec.onExit` or `spec.hooks.exit`) the
 * exit handler becomes a DAG that runs the user's handler (with its arguments) and then the
 * notifier whatever the handler's outcome; both are DAG targets and `failFast: false`, so a failing
 * user handler still fails the exit node (and so the workflow) as it would without Skiff, while
 * the notifier still runs.
 */
export function injectExitNotifier(workflow: Workflow, options: ExitNotifierOptions): Workflow {
  if (!options.eventBusName) throw new Error("injectExitNotifier: eventBusName is required");
  const wf = structuredClone(workflow);
  const spec = wf.spec;
  // Argo refuses templates beside a workflowTemplateRef (TEMPLATES_WITH_WORKFLOW_TEMPLATE_REF), so such a run
  // carries no notifier: the watcher's sweep (every minute) records its end instead.
  if (spec.workflowTemplateRef) return wf;
  const templates = spec.templates ?? [];
  if (templates.some((t) => t.name === NOTIFIER_TEMPLATE)) return wf;

  const userTask = userExitTask(spec.onExit, spec.hooks?.exit);
  const added: Template[] = [notifierTemplate(options)];
  if (!userTask) {
    spec.onExit = NOTIFIER_TEMPLATE;
  } else {
    added.push({
      name: COMPOSED_EXIT_TEMPLATE,
      dag: {
        failFast: false,
        target: "user-exit notify",
        tasks: [
          userTask,
          {
            name: "notify",
            template: NOTIFIER_TEMPLATE,
            depends: "user-exit.Succeeded || user-exit.Failed || user-exit.Errored",
          },
        ],
      },
    });
    if (spec.hooks?.exit) {
      const { exit: _exit, ...otherHooks } = spec.hooks;
      if (Object.keys(otherHooks).length) spec.hooks = otherHooks;
      else delete spec.hooks;
    }
    spec.onExit = COMPOSED_EXIT_TEMPLATE;
  }
  spec.templates = [...templates, ...added];
  return wf;
}

/** The user's exit handler as a DAG task (`spec.onExit` wins over `spec.hooks.exit`, as in Argo). */
function userExitTask(onExit: string | undefined, hook: LifecycleHook | undefined): DAGTask | undefined {
  if (onExit) return { name: "user-exit", template: onExit };
  if (!hook || (!hook.template && !hook.templateRef)) return undefined;
  return {
    name: "user-exit",
    ...(hook.template ? { template: hook.template } : {}),
    ...(hook.templateRef ? { templateRef: hook.templateRef } : {}),
    ...(hook.arguments ? { arguments: hook.arguments } : {}),
  };
}

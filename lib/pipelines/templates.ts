import type {
  ClusterWorkflowTemplate,
  Spec,
  Template,
  TemplateRef,
  Workflow,
  WorkflowSpec,
  WorkflowTemplate,
} from "../argo";
import type { Diagnostic } from "../compiler/diagnostics";
import { LABEL_PIPELINE, LABEL_VERSION } from "../engine/labels";
import type { Engine, TemplateKind } from "../ports/engine";
import { EngineError, EngineUnavailableError, WorkflowRejectedError } from "../ports/engine-errors";
import { versionNumber } from "../ports/schedule-store";

/** What the build service needs of the engine to install shared templates and check references to them. */
export type TemplateEngine = Pick<Engine, "installTemplate" | "getTemplate" | "deleteTemplate">;

export type SharedTemplate = WorkflowTemplate | ClusterWorkflowTemplate;

/** The spec as a shared template, when it is one. */
export function sharedTemplateOf(spec: Spec | undefined): SharedTemplate | undefined {
  return spec?.kind === "WorkflowTemplate" || spec?.kind === "ClusterWorkflowTemplate"
    ? (spec as SharedTemplate)
    : undefined;
}

/**
 * Why a pipeline's template cannot be installed, checked before its version is recorded: it has no fixed name
 * (a `templateRef` names it), the deployment refuses its kind, or another pipeline installed a template of that
 * name. Undefined when it can be installed.
 */
export async function installProblem(
  engine: TemplateEngine,
  pipeline: string,
  template: SharedTemplate,
  key: string,
): Promise<Diagnostic | undefined> {
  const kind = template.kind as TemplateKind;
  const name = template.metadata?.name;
  const problem = (message: string): Diagnostic => ({
    severity: "error",
    code: "template.install",
    message,
    file: key,
    path: "metadata.name",
  });
  if (!name)
    return problem(`a ${kind} needs a fixed metadata.name: templateRef and workflowTemplateRef name it`);
  try {
    const existing = await engine.getTemplate({ kind, name });
    const owner = existing?.metadata.labels?.[LABEL_PIPELINE];
    if (owner && owner !== pipeline) {
      return problem(
        `${kind} ${name} is installed by pipeline ${owner}; one pipeline owns each template name`,
      );
    }
    return undefined;
  } catch (error) {
    if (error instanceof EngineError && !(error instanceof EngineUnavailableError))
      return problem(error.message);
    throw error;
  }
}

/**
 * Installs a good version's template, labelled with its pipeline and version. A version older than the
 * installed one (builds finishing out of order) leaves the newer in place.
 */
export async function installTemplate(
  engine: TemplateEngine,
  pipeline: string,
  version: string,
  template: SharedTemplate,
): Promise<void> {
  const kind = template.kind as TemplateKind;
  const name = template.metadata?.name ?? "";
  const existing = await engine.getTemplate({ kind, name });
  const installed = existing?.metadata.labels?.[LABEL_VERSION];
  if (
    installed &&
    existing?.metadata.labels?.[LABEL_PIPELINE] === pipeline &&
    versionNumber(installed) > versionNumber(version)
  )
    return;
  await engine.installTemplate({
    ...template,
    metadata: {
      ...template.metadata,
      labels: { ...template.metadata.labels, [LABEL_PIPELINE]: pipeline, [LABEL_VERSION]: String(version) },
    },
  });
}

/**
 * Removes the template an earlier good version installed when the new good version no longer installs it (it is
 * not a template any more, or one of another name or kind), provided this pipeline still owns it.
 */
export async function retireTemplate(
  engine: TemplateEngine,
  pipeline: string,
  previous: SharedTemplate | undefined,
  current: SharedTemplate | undefined,
): Promise<void> {
  const name = previous?.metadata?.name;
  if (!previous || !name) return;
  const kind = previous.kind as TemplateKind;
  if (current && current.kind === kind && current.metadata?.name === name) return;
  const installed = await engine.getTemplate({ kind, name }).catch((error: unknown) => {
    if (error instanceof WorkflowRejectedError) return undefined;
    throw error;
  });
  if (installed?.metadata.labels?.[LABEL_PIPELINE] === pipeline) await engine.deleteTemplate({ kind, name });
}

interface Reference {
  ref: TemplateRef;
  /** Spec path of the reference, e.g. `spec.templates[0].steps[1][0].templateRef`. */
  path: string;
  /** The parameter names the caller passes (undefined for a workflowTemplateRef). */
  passes?: Set<string>;
}

/** Every templateRef and workflowTemplateRef of a spec (a Workflow, a CronWorkflow's workflowSpec, a template). */
export function templateReferences(spec: Spec): Reference[] {
  const kind = spec.kind;
  const [body, at] =
    kind === "CronWorkflow"
      ? [(spec.spec as { workflowSpec: WorkflowSpec }).workflowSpec, "spec.workflowSpec"]
      : [(spec as Workflow).spec, "spec"];
  const found: Reference[] = [];
  if (body.workflowTemplateRef) {
    found.push({
      ref: { name: body.workflowTemplateRef.name, clusterScope: body.workflowTemplateRef.clusterScope },
      path: `${at}.workflowTemplateRef`,
    });
  }
  const visit = (t: Template, path: string) => {
    (t.steps ?? []).forEach((group, i) => {
      group.forEach((s, j) => {
        const p = `${path}.steps[${i}][${j}]`;
        if (s.templateRef) found.push({ ref: s.templateRef, path: `${p}.templateRef`, passes: names(s) });
        if (s.inline) visit(s.inline, `${p}.inline`);
      });
    });
    (t.dag?.tasks ?? []).forEach((s, k) => {
      const p = `${path}.dag.tasks[${k}]`;
      if (s.templateRef) found.push({ ref: s.templateRef, path: `${p}.templateRef`, passes: names(s) });
      if (s.inline) visit(s.inline, `${p}.inline`);
    });
  };
  (body.templates ?? []).forEach((t, i) => {
    visit(t, `${at}.templates[${i}]`);
  });
  return found;
}

function names(step: { arguments?: { parameters?: { name: string }[] } }): Set<string> {
  return new Set((step.arguments?.parameters ?? []).map((p) => p.name));
}

/**
 * The build-time check of a spec's references to shared templates (docs/templates.md): each must name an
 * installed (Cluster)WorkflowTemplate that has the template, and a templateRef must pass every input parameter
 * that template requires (one without a value or default). A template the spec itself defines counts as installed.
 * Findings carry the reference's spec path; the compiler places them at the user code that made it.
 */
export async function checkTemplateReferences(engine: TemplateEngine, spec: Spec): Promise<Diagnostic[]> {
  const own = sharedTemplateOf(spec);
  const cache = new Map<string, Promise<SharedTemplate | undefined>>();
  const lookup = (ref: TemplateRef): Promise<SharedTemplate | undefined> => {
    const kind: TemplateKind = ref.clusterScope ? "ClusterWorkflowTemplate" : "WorkflowTemplate";
    if (own && own.kind === kind && own.metadata.name === ref.name) return Promise.resolve(own);
    const key = `${kind}/${ref.name ?? ""}`;
    let found = cache.get(key);
    if (!found) {
      found = engine.getTemplate({ kind, name: ref.name ?? "" }).catch((error: unknown) => {
        // A kind the deployment refuses (cluster templates off) is as good as absent.
        if (error instanceof WorkflowRejectedError) return undefined;
        throw error;
      });
      cache.set(key, found);
    }
    return found;
  };
  const diagnostics: Diagnostic[] = [];
  for (const { ref, path, passes } of templateReferences(spec)) {
    const kind = ref.clusterScope ? "ClusterWorkflowTemplate" : "WorkflowTemplate";
    const stored = await lookup(ref);
    const error = (code: string, message: string) =>
      diagnostics.push({ severity: "error", code, message, path });
    if (!stored) {
      error(
        "template.missing",
        `${kind} ${ref.name ?? ""} is not installed (deleted, or its pipeline not pushed or not building)`,
      );
      continue;
    }
    if (passes === undefined) continue;
    const tmpl = stored.spec.templates?.find((t) => t.name === ref.template);
    if (!tmpl) {
      error("template.missing", `${kind} ${ref.name ?? ""} has no template ${ref.template ?? ""}`);
      continue;
    }
    for (const p of tmpl.inputs?.parameters ?? []) {
      if (
        p.value === undefined &&
        p.default === undefined &&
        p.valueFrom === undefined &&
        !passes.has(p.name)
      ) {
        error(
          "template.arguments",
          `template ${ref.template ?? ""} of ${kind} ${ref.name ?? ""} needs input parameter ${p.name}, which is not passed`,
        );
      }
    }
  }
  return diagnostics;
}

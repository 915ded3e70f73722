import type { ClusterWorkflowTemplate, WorkflowTemplate } from "../argo";
import { LABEL_PIPELINE } from "../engine/labels";
import { type TemplateView, templateView } from "../pipelines/template-view";
import type { TemplateKind } from "../ports/engine";
import { WorkflowRejectedError } from "../ports/engine-errors";
import type { ApiDeps } from "./deps";
import { badRequest, type ErrorDetail, notFound } from "./errors";
import { type ApiRequest, type ApiResponse, json } from "./http";

type Installed = WorkflowTemplate | ClusterWorkflowTemplate;

const KINDS: TemplateKind[] = ["WorkflowTemplate", "ClusterWorkflowTemplate"];
/** Kubernetes object names (DNS-1123 subdomains). */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function links(view: TemplateView) {
  const self = `/templates/${view.name}${view.kind === "ClusterWorkflowTemplate" ? "?kind=ClusterWorkflowTemplate" : ""}`;
  return {
    self,
    ...(view.pipeline ? { pipeline: `/pipelines/${view.pipeline}` } : {}),
    ...(view.pipeline && view.version
      ? { spec: `/pipelines/${view.pipeline}/versions/${view.version}/spec` }
      : {}),
  };
}

/**
 * A kind's installed templates. Asked for every kind, a kind the deployment does not enable (cluster templates)
 * has none; asked for by name, it is refused as the engine refuses it (422).
 */
async function listKind(deps: ApiDeps, kind: TemplateKind, asked: boolean): Promise<Installed[]> {
  try {
    return await deps.engine.listTemplates(kind);
  } catch (error) {
    if (!asked && error instanceof WorkflowRejectedError) return [];
    throw error;
  }
}

/** Views of installed templates, each compared with its pipeline's latest good version (one read per pipeline). */
async function viewsOf(
  deps: ApiDeps,
  installed: Installed[],
): Promise<Array<TemplateView & { links: object }>> {
  const owners = new Map<string, ReturnType<ApiDeps["pipelines"]["getPipeline"]>>();
  for (const t of installed) {
    const pipeline = t.metadata.labels?.[LABEL_PIPELINE];
    if (pipeline && !owners.has(pipeline)) owners.set(pipeline, deps.pipelines.getPipeline(pipeline));
  }
  return Promise.all(
    installed.map(async (t) => {
      const pipeline = t.metadata.labels?.[LABEL_PIPELINE];
      const view = templateView(t, pipeline ? await owners.get(pipeline) : undefined);
      return { ...view, links: links(view) };
    }),
  );
}

function rejectUnknownQuery(request: ApiRequest, known: string[], details: ErrorDetail[]): void {
  for (const key of Object.keys(request.query)) {
    if (!known.includes(key))
      details.push({ field: `query.${key}`, message: "unknown query parameter", code: "unknown" });
  }
}

function kindQuery(request: ApiRequest, details: ErrorDetail[]): TemplateKind | undefined {
  const kind = request.query.kind;
  if (kind === undefined) return undefined;
  if (!(KINDS as string[]).includes(kind)) {
    details.push({ field: "query.kind", message: `expected one of ${KINDS.join(", ")}`, code: "enum" });
    return undefined;
  }
  return kind as TemplateKind;
}

/** `GET /templates[?kind=]`: the shared templates installed in the engine, by kind and name. */
export async function listTemplates(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  const details: ErrorDetail[] = [];
  const kind = kindQuery(request, details);
  rejectUnknownQuery(request, ["kind"], details);
  if (details.length) throw badRequest("the template query is not valid", details);
  const installed = (
    await Promise.all((kind ? [kind] : KINDS).map((k) => listKind(deps, k, kind !== undefined)))
  ).flat();
  return json(200, { items: await viewsOf(deps, installed) });
}

/**
 * `GET /templates/{name}[?kind=]`: one installed template; without `kind`, the WorkflowTemplate of that name,
 * else the ClusterWorkflowTemplate (when the deployment enables them).
 */
export async function getTemplate(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  const name = request.pathParameters.name ?? "";
  const details: ErrorDetail[] = [];
  if (name.length > 253 || !OBJECT_NAME.test(name)) {
    details.push({
      field: "path.name",
      message: "expected a Kubernetes object name: lowercase letters, digits, '-' and '.', at most 253",
      code: "format",
    });
  }
  const kind = kindQuery(request, details);
  rejectUnknownQuery(request, ["kind"], details);
  if (details.length) throw badRequest(`"${name.slice(0, 70)}" is not a template query`, details);
  for (const k of kind ? [kind] : KINDS) {
    let found: Installed | undefined;
    try {
      found = await deps.engine.getTemplate({ kind: k, name });
    } catch (error) {
      // Cluster templates not enabled: there is none of that kind to find.
      if (!(error instanceof WorkflowRejectedError && !kind)) throw error;
    }
    if (found) return json(200, (await viewsOf(deps, [found]))[0]);
  }
  throw notFound(`no ${kind ?? "WorkflowTemplate or ClusterWorkflowTemplate"} ${name} is installed`);
}

import { NODE_PHASES } from "../argo/phases";
import type { ApiDeps } from "./deps";
import { badRequest, type ErrorDetail } from "./errors";
import { type ApiRequest, type ApiResponse, json } from "./http";
import { pageBody, pageQueryInto } from "./query";

/** A recorded step has its node's phase (Argo's). */
const STEP_PHASES: readonly string[] = NODE_PHASES;

/**
 * `GET /steps?template=&status=&limit=&cursor=`: recorded steps (of finished runs) that ran a template, newest
 * first, optionally in one phase.
 */
export async function querySteps(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  const details: ErrorDetail[] = [];
  const { template, status } = request.query;
  if (template === undefined || template.length === 0) {
    details.push({ field: "query.template", message: "name the template: template=<name>", code: "missing" });
  } else if (template.length > 253 || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(template)) {
    details.push({ field: "query.template", message: "expected an Argo template name", code: "format" });
  }
  if (status !== undefined && !STEP_PHASES.includes(status)) {
    details.push({
      field: "query.status",
      message: `expected one of ${STEP_PHASES.join(", ")}`,
      code: "enum",
    });
  }
  const known = new Set(["template", "status", "limit", "cursor"]);
  for (const key of Object.keys(request.query)) {
    if (!known.has(key))
      details.push({ field: `query.${key}`, message: "unknown query parameter", code: "unknown" });
  }
  const paging = pageQueryInto(request, deps.config.limits, details);
  if (details.length > 0 || !paging || template === undefined)
    throw badRequest("the step query is not valid", details);
  const page = await deps.runs.queryStepsByTemplate(template, {
    ...paging,
    ...(status ? { phase: status } : {}),
  });
  return json(
    200,
    pageBody(page, (step) => ({ ...step, links: { run: `/runs/${step.runId}` } })),
  );
}

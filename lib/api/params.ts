import { pipelineNameProblem } from "../pipelines/names";
import { badRequest } from "./errors";
import type { ApiRequest } from "./http";

/** The `{name}` path parameter, validated. */
export function pipelineNameParam(request: ApiRequest): string {
  const name = request.pathParameters.name ?? "";
  const problem = pipelineNameProblem(name);
  if (problem) throw badRequest(problem, [{ field: "path.name", message: problem, code: "format" }]);
  return name;
}

const RUN_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The `{runId}` path parameter, validated (run ids are Kubernetes label values). */
export function runIdParam(request: ApiRequest): string {
  const runId = request.pathParameters.runId ?? "";
  if (!RUN_ID.test(runId)) {
    throw badRequest(`"${runId.slice(0, 70)}" is not a run id`, [
      {
        field: "path.runId",
        message: "expected lowercase letters, digits and '-', at most 63",
        code: "format",
      },
    ]);
  }
  return runId;
}

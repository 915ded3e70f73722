import { getArtifact } from "./artifacts";
import type { ApiDeps } from "./deps";
import type { ApiRequest, ApiResponse } from "./http";
import { getPipeline, getSpec, listPipelines } from "./pipelines";
import { resumeRun } from "./resume";
import { countRuns, createRun, getRun, getStepLogs, listRuns, runAction } from "./runs";
import { getSchedule, listSchedules, setScheduleSuspended, triggerSchedule } from "./schedules";
import { querySteps } from "./steps";
import { getTemplate, listTemplates } from "./templates";

export interface ApiRoute {
  method: "GET" | "POST";
  /** serverless.yml's `httpApi` path syntax. */
  path: string;
  handle(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse>;
}

/** Every route of the HTTP API; serverless.yml declares the same method and path pairs (a test checks it). */
export const apiRoutes: ApiRoute[] = [
  { method: "POST", path: "/pipelines/{name}/runs", handle: createRun },
  { method: "GET", path: "/pipelines", handle: listPipelines },
  { method: "GET", path: "/pipelines/{name}", handle: getPipeline },
  { method: "GET", path: "/pipelines/{name}/versions/{version}/spec", handle: getSpec },
  { method: "GET", path: "/runs", handle: listRuns },
  { method: "GET", path: "/runs/counts", handle: countRuns },
  { method: "GET", path: "/runs/{runId}", handle: getRun },
  { method: "GET", path: "/runs/{runId}/steps/{stepId}/logs", handle: getStepLogs },
  { method: "GET", path: "/runs/{runId}/steps/{stepId}/artifacts/{name}", handle: getArtifact },
  { method: "POST", path: "/runs/{runId}/stop", handle: (d, r) => runAction(d, r, "stop") },
  { method: "POST", path: "/runs/{runId}/terminate", handle: (d, r) => runAction(d, r, "terminate") },
  { method: "POST", path: "/runs/{runId}/retry", handle: (d, r) => runAction(d, r, "retry") },
  { method: "POST", path: "/runs/{runId}/resubmit", handle: (d, r) => runAction(d, r, "resubmit") },
  { method: "POST", path: "/runs/{runId}/resume", handle: resumeRun },
  { method: "GET", path: "/steps", handle: querySteps },
  { method: "GET", path: "/schedules", handle: listSchedules },
  { method: "GET", path: "/schedules/{name}", handle: getSchedule },
  { method: "POST", path: "/schedules/{name}/suspend", handle: (d, r) => setScheduleSuspended(d, r, true) },
  { method: "POST", path: "/schedules/{name}/resume", handle: (d, r) => setScheduleSuspended(d, r, false) },
  { method: "POST", path: "/schedules/{name}/trigger", handle: triggerSchedule },
  { method: "GET", path: "/templates", handle: listTemplates },
  { method: "GET", path: "/templates/{name}", handle: getTemplate },
];

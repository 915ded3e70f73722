import type { ScheduleView } from "../ports/schedule-store";
import type { ScheduleService } from "../runs/schedules/service";
import type { ApiDeps } from "./deps";
import { ApiError, notFound } from "./errors";
import { type ApiRequest, type ApiResponse, json } from "./http";
import { pipelineNameParam } from "./params";
import { runResponse } from "./runs";

const links = (name: string) => ({
  self: `/schedules/${name}`,
  pipeline: `/pipelines/${name}`,
  runs: `/runs?pipeline=${name}`,
});

const view = (schedule: ScheduleView) => ({ ...schedule, links: links(schedule.pipeline) });

function service(deps: ApiDeps): ScheduleService {
  if (!deps.schedules) throw new ApiError(501, "not-implemented", "schedules are not configured here");
  return deps.schedules;
}

/** `GET /schedules`: every CronWorkflow pipeline's schedule with its next firings. */
export async function listSchedules(deps: ApiDeps): Promise<ApiResponse> {
  const items = await service(deps).list();
  return json(200, { items: items.map(view) });
}

/** `GET /schedules/{name}` */
export async function getSchedule(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  const name = pipelineNameParam(request);
  const schedule = await service(deps).get(name);
  if (!schedule) throw notFound(noSchedule(name));
  return json(200, view(schedule));
}

/** `POST /schedules/{name}/suspend` and `/resume`: Argo's `argo cron suspend|resume`. */
export async function setScheduleSuspended(
  deps: ApiDeps,
  request: ApiRequest,
  suspended: boolean,
): Promise<ApiResponse> {
  const name = pipelineNameParam(request);
  const schedule = await service(deps).setSuspended(name, suspended);
  if (!schedule) throw notFound(noSchedule(name));
  return json(200, view(schedule));
}

/** `POST /schedules/{name}/trigger`: one run of the schedule's version now. */
export async function triggerSchedule(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  const name = pipelineNameParam(request);
  const run = await service(deps).trigger(name);
  if (!run) throw notFound(noSchedule(name));
  return json(201, runResponse(run));
}

const noSchedule = (name: string) =>
  `pipeline ${name} has no schedule: only a pipeline whose latest good version is a cronWorkflow has one`;

import { RUN_STATUSES, type RunStatus } from "../ports/run-store";
import type { ErrorDetail } from "./errors";
import type { ApiRequest } from "./http";
import { pipelineNameParam } from "./params";

/** The run filters of a query string (`pipeline`, `status`, `param.<name>`), shared by `GET /runs` and its counts. */
export interface RunFilters {
  pipeline?: string;
  status?: RunStatus;
  param?: { name: string; value: string };
}

/**
 * Reads the filters, appending a detail per problem to `details`; `known` lists the route's other query
 * parameters (anything else is refused as unknown), `status` whether the route filters by status.
 */
export function runFilters(
  request: ApiRequest,
  details: ErrorDetail[],
  options: { known: string[]; status: boolean },
): RunFilters {
  const { pipeline, status } = request.query;
  if (pipeline !== undefined) {
    try {
      pipelineNameParam({ ...request, pathParameters: { name: pipeline } });
    } catch {
      details.push({
        field: "query.pipeline",
        message: `"${pipeline.slice(0, 70)}" is not a pipeline name`,
        code: "format",
      });
    }
  }
  if (options.status && status !== undefined && !RUN_STATUSES.includes(status as RunStatus)) {
    details.push({
      field: "query.status",
      message: `expected one of ${RUN_STATUSES.join(", ")}`,
      code: "enum",
    });
  }
  const params = Object.entries(request.query).filter(([k]) => k.startsWith("param."));
  if (params.length > 1) {
    details.push({ field: "query.param", message: "filter on one parameter at a time", code: "too-many" });
  }
  const param = params[0] ? { name: params[0][0].slice("param.".length), value: params[0][1] } : undefined;
  if (param && param.name.length === 0) {
    details.push({
      field: "query.param.",
      message: "name the parameter: param.<name>=<value>",
      code: "format",
    });
  }
  const known = new Set(["pipeline", ...(options.status ? ["status"] : []), ...options.known]);
  for (const key of Object.keys(request.query)) {
    if (!known.has(key) && !key.startsWith("param.")) {
      details.push({ field: `query.${key}`, message: "unknown query parameter", code: "unknown" });
    }
  }
  return {
    ...(pipeline ? { pipeline } : {}),
    ...(options.status && status ? { status: status as RunStatus } : {}),
    ...(param ? { param } : {}),
  };
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** An ISO 8601 time (a date alone is its midnight UTC), as `Date.toISOString` writes it, or a detail on `field`. */
export function isoTime(value: string, field: string, details: ErrorDetail[]): string | undefined {
  const time = ISO_TIME.test(value) && realDate(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) {
    details.push({
      field,
      message: `expected an ISO 8601 time such as 2026-01-31T12:00:00Z, got "${value.slice(0, 40)}"`,
      code: "format",
    });
    return undefined;
  }
  return new Date(time).toISOString();
}

/** Date.parse rolls 2026-02-30 over into March; a time names a day of its month. */
function realDate(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
}

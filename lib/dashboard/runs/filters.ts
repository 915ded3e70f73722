import { RUN_STATUSES, type RunStatus } from "../../ports/run-store";

/** The statuses a run can have, in the order the Runs view lists their counts. */
export { RUN_STATUSES };

/** What the Runs view filters on: the same three filters as `GET /runs` (one parameter at a time). */
export interface RunFilters {
  pipeline?: string;
  status?: RunStatus;
  param?: { name: string; value: string };
}

const isStatus = (value: string): value is RunStatus => (RUN_STATUSES as readonly string[]).includes(value);

/**
 * The filters a Runs URL's query names (`pipeline=`, `status=`, `param.<name>=<value>`). Empty values and an
 * unknown status are dropped rather than sent to the API, so a hand-edited URL shows runs instead of an error;
 * of several `param.*` the first is kept (the API filters on one).
 */
export function filtersFromQuery(query: URLSearchParams): RunFilters {
  const filters: RunFilters = {};
  const pipeline = query.get("pipeline")?.trim();
  if (pipeline) filters.pipeline = pipeline;
  const status = query.get("status");
  if (status && isStatus(status)) filters.status = status;
  for (const [key, value] of query) {
    if (key.startsWith("param.") && key.length > "param.".length) {
      filters.param = { name: key.slice("param.".length), value };
      break;
    }
  }
  return filters;
}

/** The query that names `filters`, in a stable order (the URL of a filtered view, and the API's). */
export function filtersToQuery(filters: RunFilters): URLSearchParams {
  const query = new URLSearchParams();
  if (filters.pipeline) query.set("pipeline", filters.pipeline);
  if (filters.status) query.set("status", filters.status);
  if (filters.param?.name) query.set(`param.${filters.param.name}`, filters.param.value);
  return query;
}

/** `GET /runs` for one page of the filtered runs (newest first). */
export function runsPath(filters: RunFilters, page: { limit: number; cursor?: string }): string {
  const query = filtersToQuery(filters);
  query.set("limit", String(page.limit));
  if (page.cursor) query.set("cursor", page.cursor);
  return `/runs?${query}`;
}

/** `GET /runs/counts`: runs per status under the same filters, status excepted (counts are per status). */
export function countsPath(filters: RunFilters, since?: string): string {
  const query = filtersToQuery({ ...filters, status: undefined });
  if (since) query.set("since", since);
  const text = query.toString();
  return text ? `/runs/counts?${text}` : "/runs/counts";
}

/** The same filters? (A change of filters starts paging again from the newest run.) */
export function sameFilters(a: RunFilters, b: RunFilters): boolean {
  return filtersToQuery(a).toString() === filtersToQuery(b).toString();
}

/**
 * Reads the parameter filter as typed in one box, `name=value` (the first `=` splits, so a value may hold `=`).
 * Empty text is no filter; text without a name before `=` is an error the form shows.
 */
export function parseParamFilter(
  text: string,
): { ok: true; param?: { name: string; value: string } } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: true };
  const eq = trimmed.indexOf("=");
  if (eq <= 0) return { ok: false, error: "write the parameter as name=value" };
  return { ok: true, param: { name: trimmed.slice(0, eq).trim(), value: trimmed.slice(eq + 1) } };
}

/** The parameter filter as the form shows it. */
export const formatParamFilter = (param: RunFilters["param"]): string =>
  param ? `${param.name}=${param.value}` : "";

import { useEffect, useState } from "preact/hooks";
import { api, getJson, type RunCounts, type RunRecord } from "../api";
import { ErrorBox, Loading } from "../components/error-box";
import { Status, Truncate } from "../components/text";
import { pipelineLink, runLink, runsLink } from "../links";
import { navigate } from "../router";
import type { RouteProps } from "../routes";
import { formatAgo, formatDuration } from "../run/progress";
import {
  countsPath,
  filtersFromQuery,
  filtersToQuery,
  formatParamFilter,
  parseParamFilter,
  RUN_STATUSES,
  type RunFilters,
  runsPath,
} from "../runs/filters";
import * as pager from "../runs/pager";
import { useFetch } from "../use-fetch";

/** Runs per page: one page is all the view ever loads. */
const PAGE_SIZE = 50;

/**
 * The cursors of the pages each filtered listing was paged through (runs/pager.ts), by its filters, so that
 * "newer" can go back one page. Kept for this page's life only; the page shown is in the URL.
 */
const trails = new Map<string, pager.Trail>();

const linkFor = (filters: RunFilters, position: pager.PagePosition = pager.FIRST_PAGE): string =>
  runsLink({ ...Object.fromEntries(filtersToQuery(filters).entries()), ...pager.positionToQuery(position) });

/**
 * `/#/runs?pipeline=&status=&param.<name>=<value>&page=&cursor=`: the runs, newest first, filtered, a page at
 * a time.
 */
export function RunsView({ query }: RouteProps) {
  const filters = filtersFromQuery(query);
  const key = filtersToQuery(filters).toString();
  const position = pager.positionFromQuery(query);
  const cursor = position.cursor;
  // Which listing and page an answer is of: while the next one loads, the last one is still shown.
  const at = `${key}#${cursor ?? ""}`;
  const runs = useFetch(
    async (signal) => ({
      at,
      page: await getJson<{ items: RunRecord[]; cursor?: string }>(
        runsPath(filters, { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
        signal,
      ),
    }),
    [key, cursor],
  );
  const next = runs.data?.at === at ? runs.data.page.cursor : undefined;
  const previous = pager.previousPosition(trails.get(key), position);
  const older = () => {
    if (!next) return;
    trails.set(key, pager.advance(trails.get(key), position, next));
    navigate(linkFor(filters, pager.nextPosition(position, next)));
  };
  // The page of runs goes first: the counts and the pipelines' names are asked for once it is in, so that they
  // never compete with it for the API (counting thousands of runs costs more than reading a page of them).
  const ready = runs.data !== undefined || runs.error !== undefined;
  const now = Date.now();

  return (
    <section class="runs-view">
      <div class="title-row">
        <h1>Runs</h1>
      </div>
      <RunFilterForm filters={filters} ready={ready} />
      <StatusCounts filters={filters} hold={runs.loading} />
      {runs.error ? <ErrorBox error={runs.error} title="Could not list the runs" /> : null}
      {runs.loading && !runs.data ? <Loading what="runs" /> : null}
      {runs.data && runs.data.page.items.length === 0 ? (
        <p class="muted" data-testid="no-runs">
          No runs match these filters.
        </p>
      ) : null}
      {runs.data && runs.data.page.items.length > 0 ? (
        <table class="table runs" aria-busy={runs.loading ? "true" : undefined}>
          <colgroup>
            <col style="width: 22%" />
            <col style="width: 16%" />
            <col style="width: 7%" />
            <col style="width: 11%" />
            <col style="width: 22%" />
            <col style="width: 12%" />
            <col style="width: 10%" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Pipeline</th>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              <th scope="col">Parameters</th>
              <th scope="col">Created</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.page.items.map((run) => (
              <tr key={run.runId} data-run-id={run.runId}>
                <td>
                  <a href={runLink(run.runId)} class="mono">
                    <Truncate text={run.runId} />
                  </a>
                </td>
                <td>
                  <a href={pipelineLink(run.pipeline)}>
                    <Truncate text={run.pipeline} />
                  </a>
                </td>
                <td>
                  <a href={pipelineLink(run.pipeline, run.version)}>{run.version}</a>
                </td>
                <td>
                  <Status value={run.status} />
                </td>
                <td>
                  <Truncate
                    class="mono"
                    text={Object.entries(run.parameters)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(" ")}
                  />
                </td>
                <td>
                  <time dateTime={run.createdAt} title={run.createdAt}>
                    {formatAgo(run.createdAt, now)}
                  </time>
                </td>
                <td>{formatDuration(run.startedAt, run.finishedAt, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <nav class="pager" aria-label="Pages">
        <button
          type="button"
          disabled={!previous}
          onClick={() => previous && navigate(linkFor(filters, previous))}
        >
          ← Newer
        </button>
        <span class="muted" data-testid="page-number">
          Page {position.page}
        </span>
        <button type="button" disabled={!next} onClick={older}>
          Older →
        </button>
      </nav>
    </section>
  );
}

/** The three filters as a form; applying it changes the URL (so the filtered view can be linked and gone back to). */
function RunFilterForm({ filters, ready }: { filters: RunFilters; ready: boolean }) {
  const [paramError, setParamError] = useState<string | undefined>();
  const formKey = filtersToQuery(filters).toString();
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const param = parseParamFilter(String(form.get("param") ?? ""));
    if (!param.ok) {
      setParamError(param.error);
      return;
    }
    setParamError(undefined);
    const status = String(form.get("status") ?? "");
    navigate(
      linkFor({
        pipeline: String(form.get("pipeline") ?? "").trim() || undefined,
        status: (RUN_STATUSES as readonly string[]).includes(status)
          ? (status as RunFilters["status"])
          : undefined,
        param: param.param,
      }),
    );
  };
  return (
    <form class="filters" onSubmit={submit} key={formKey} aria-label="Filter runs">
      <label>
        <span>Pipeline</span>
        <input name="pipeline" list="runs-pipelines" value={filters.pipeline ?? ""} placeholder="any" />
        {ready ? <PipelineNames id="runs-pipelines" /> : null}
      </label>
      <label>
        <span>Status</span>
        <select name="status" value={filters.status ?? ""}>
          <option value="">any</option>
          {RUN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Parameter</span>
        <input
          name="param"
          value={formatParamFilter(filters.param)}
          placeholder="name=value"
          aria-invalid={paramError ? "true" : undefined}
          aria-describedby={paramError ? "param-error" : undefined}
          class="mono"
        />
      </label>
      <button type="submit">Filter</button>
      {filters.pipeline || filters.status || filters.param ? (
        <a href={runsLink()} class="button-link">
          Clear
        </a>
      ) : null}
      {paramError ? (
        <p id="param-error" class="field-error" role="alert">
          {paramError}
        </p>
      ) : null}
    </form>
  );
}

/** The pipelines' names, offered while typing in the pipeline filter. */
function PipelineNames({ id }: { id: string }) {
  const pipelines = useFetch((signal) => api.pipelines(signal), []);
  return (
    <datalist id={id}>
      {(pipelines.data?.items ?? []).map((p) => (
        <option key={p.name} value={p.name} />
      ))}
    </datalist>
  );
}

/**
 * Runs per status under the other filters; each count links to the listing of that status. While `hold` (the
 * page of runs is loading) nothing is asked; the counts of other filters are never shown as these.
 */
function StatusCounts({ filters, hold }: { filters: RunFilters; hold: boolean }) {
  const path = countsPath(filters);
  const [wanted, setWanted] = useState<string | undefined>();
  useEffect(() => {
    if (!hold) setWanted(path);
  }, [path, hold]);
  const fetched = useFetch(
    (signal) => (wanted ? getJson<RunCounts>(wanted, signal) : Promise.resolve(undefined)),
    [wanted],
  );
  const counts = wanted === path && !fetched.loading ? fetched.data : undefined;
  const total = counts ? Object.values(counts.counts).reduce((a, b) => a + b, 0) : undefined;
  return (
    <nav class="status-counts" aria-label="Runs by status">
      <a
        href={linkFor({ ...filters, status: undefined })}
        aria-current={filters.status ? undefined : "true"}
        data-status="all"
      >
        All <span class="count">{total ?? "…"}</span>
      </a>
      {RUN_STATUSES.map((status) => (
        <a
          key={status}
          href={linkFor({ ...filters, status })}
          aria-current={filters.status === status ? "true" : undefined}
          data-status={status}
        >
          <Status value={status} /> <span class="count">{counts ? (counts.counts[status] ?? 0) : "…"}</span>
        </a>
      ))}
      {counts?.since ? (
        <span class="muted since" title={counts.since}>
          since {counts.since.slice(0, 10)}
        </span>
      ) : null}
      {fetched.error && wanted === path ? (
        <ErrorBox error={fetched.error} title="Could not count the runs" />
      ) : null}
    </nav>
  );
}
